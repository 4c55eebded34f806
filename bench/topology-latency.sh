#!/usr/bin/env bash
# Measures the time from a NodeHealthObserved to the TopologyChanged it causes, through a real broker and the
# packaged topology service, beside Kafka's own produce -> consume time on the same broker in the same run.
# Self-contained: starts its own broker and topology service (on free ports, stopped by pid at the end).
# Builds first when the packaged service is missing. Prints figures; asserts nothing.
#   ITERATIONS=500 WARMUP=100 bench/topology-latency.sh
set -euo pipefail
source "$(dirname "$0")/../infra/lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
find_jdk
ensure_built topology-latency services/topology/target/quarkus-app/quarkus-run.jar libs/test-support/target/classpath.txt
run_test_support_main io.mysqlha.testsupport.bench.TopologyLatencyBench \
  -Diterations="${ITERATIONS:-500}" -Dwarmup="${WARMUP:-100}"
