#!/usr/bin/env bash
# Repeated kill -9 drills of a single-primary Group Replication group's primary through the gateway (default 5), on
# MySQL 9.7 (installed on first use). The whole suite runs as processes (probe, topology, failover, gateway) on its
# own broker; each drill gets a fresh 3-member group (free ports, stopped by pid). The group elects the next primary
# itself; one client inserts in a loop through the read/write listener. Prints per drill and as median/max: the
# group's own election (kill to a new ONLINE PRIMARY in performance_schema, asked every 10 ms), kill to the first
# write through the gateway, what the gateway adds to the election, client errors and lost acknowledged writes.
# Asserts nothing.
# PROBE_INTERVAL_MS sets the cluster spec's probe interval (default 500).
#   DRILLS=5 bench/group-drill.sh
set -euo pipefail
source "$(dirname "$0")/../infra/lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
find_jdk
ensure_packages "${MYSQLHA_PACKAGES[@]}"
ensure_mysql
ensure_built group-drill libs/test-support/target/classpath.txt services/{health-probe,topology,failover,proxy-gateway}/target/quarkus-app/quarkus-run.jar
run_test_support_main io.mysqlha.testsupport.bench.GroupDrill \
  -Ddrills="${DRILLS:-5}" ${PROBE_INTERVAL_MS:+-Dprobe.interval.ms=$PROBE_INTERVAL_MS}
