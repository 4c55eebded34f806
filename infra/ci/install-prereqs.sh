#!/usr/bin/env bash
# Installs the Debian packages the tests and the launcher run: MariaDB 10.11 server, client, backup,
# Galera 4, rsync (Galera SST), curl, procps, sysbench (a real client load in the gateway tests), HAProxy (the
# baseline of bench/gateway.sh), and MySQL 9.7 with MySQL Router 9.7. Does nothing when they are present.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ensure_packages "${MYSQLHA_PACKAGES[@]}"
# MySQL 9.7 and MySQL Router 9.7 (Debian sid, in a root of their own under ~/.cache/mysqlha)
ensure_mysql
