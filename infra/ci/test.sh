#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every unit test (*Test) and integration
# test (*IT, against real MariaDB servers and a real Kafka broker the tests start themselves).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ROOT=$(project_root)
find_jdk
echo "JDK: $JAVA_HOME ($(java_major "$JAVA_HOME/bin/java"))"
ensure_packages "${MYSQLHA_PACKAGES[@]}"
cd "$ROOT"
exec ./mvnw -B verify "$@"
