#!/usr/bin/env bash
# Repeated kill -9 drills of the primary through the gateway (default 5). The whole suite runs as processes (probe,
# topology, failover, gateway) on its own broker and semi-sync topology (free ports, stopped by pid); one client
# inserts in a loop through the read/write listener. Prints per drill and as median/max: kill to the first write
# through the gateway, client errors, lost acknowledged writes, and the event timeline read back from Kafka
# (detection, decision, promotion, topology). Asserts nothing.
# FLAVOR=mysql runs it on MySQL 9.7 servers (installed on first use).
#   DRILLS=5 bench/failover-drill.sh
set -euo pipefail
source "$(dirname "$0")/../infra/lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
find_jdk
ensure_packages "${MYSQLHA_PACKAGES[@]}"
case "${FLAVOR:=mariadb}" in mariadb) ;; mysql) ensure_mysql ;; *) die "FLAVOR=$FLAVOR: expected mariadb or mysql" ;; esac
ensure_built failover-drill libs/test-support/target/classpath.txt services/{health-probe,topology,failover,proxy-gateway}/target/quarkus-app/quarkus-run.jar
run_test_support_main io.mysqlha.testsupport.bench.FailoverDrill \
  -Ddrills="${DRILLS:-5}" -Dflavour="$FLAVOR"
