#!/usr/bin/env bash
# Installs the Debian packages the tests and the launcher run: MariaDB 10.11 server, client, backup,
# Galera 4, rsync (Galera SST), curl, procps, sysbench (a real client load in the gateway tests) and HAProxy (the
# baseline of bench/gateway.sh). Does nothing when they are present.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ensure_packages "${MYSQLHA_PACKAGES[@]}"
