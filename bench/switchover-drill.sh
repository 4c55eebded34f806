#!/usr/bin/env bash
# Repeated planned switchovers through the gateway (default 5). The whole suite runs as processes (probe, topology,
# failover, gateway) on its own broker and one semi-sync topology of three nodes (free ports, stopped by pid); one
# client inserts in a loop through the read/write listener while the failover service is asked over REST to hand the
# primary to another node. Prints per drill and as median/max: the longest write pause from the request on, client
# errors, lost acknowledged writes, and the event timeline read back from Kafka (started, drained, promoted,
# topology). Asserts nothing.
# FLAVOR=mysql runs it on MySQL 9.7 servers (installed on first use).
#   DRILLS=5 bench/switchover-drill.sh
set -euo pipefail
source "$(dirname "$0")/../infra/lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
find_jdk
ensure_packages "${MYSQLHA_PACKAGES[@]}"
case "${FLAVOR:=mariadb}" in mariadb) ;; mysql) ensure_mysql ;; *) die "FLAVOR=$FLAVOR: expected mariadb or mysql" ;; esac
ensure_built switchover-drill libs/test-support/target/classpath.txt services/{health-probe,topology,failover,proxy-gateway}/target/quarkus-app/quarkus-run.jar
run_test_support_main io.mysqlha.testsupport.bench.SwitchoverDrill \
  -Ddrills="${DRILLS:-5}" -Dflavour="$FLAVOR"
