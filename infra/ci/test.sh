#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every unit test (*Test) and integration
# test (*IT, against real MariaDB servers and a real Kafka broker the tests start themselves), after the static
# checks of the deployment files (infra/ci/check-deploy.sh).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ROOT=$(project_root)
find_jdk
echo "JDK: $JAVA_HOME ($(java_major "$JAVA_HOME/bin/java"))"
ensure_packages "${MYSQLHA_PACKAGES[@]}" "${MYSQLHA_TEST_PACKAGES[@]}"
command -v npm > /dev/null || ensure_packages nodejs npm
ensure_mysql # MySQL 9.7 servers for the MySQL integration tests
cd "$ROOT"
# what users deploy (compose, Kubernetes, Prometheus rules, the dashboard, Dockerfiles): static checks, seconds
bash infra/ci/check-deploy.sh
exec ./mvnw -B verify "$@"
