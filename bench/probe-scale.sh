#!/usr/bin/env bash
# Measures the health probe's CPU and memory with 300 node entries (100 clusters x node1..node3 of the local
# MariaDB servers) probed every 500 ms, beside the same process probing only the 3-node 'local' cluster, in
# the same run. Uses the local stack (infra/local/up.sh); starts it when it is not running and then stops it
# again. Prints figures; asserts nothing. WINDOW=30 CLUSTERS=100 INTERVAL_MS=500 HEARTBEAT=false bench/probe-scale.sh
# The synthetic clusters all share one primary, so their heartbeat writes (one commit per cluster per cycle,
# fsynced and semi-sync acknowledged) would land 200 commits/s on one server, which no real fleet does: they
# run with heartbeat off unless HEARTBEAT=true. The 'local' cluster keeps its heartbeat in both windows.
set -euo pipefail
source "$(dirname "$0")/../infra/lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
WINDOW=${WINDOW:-30}
WARMUP=${WARMUP:-30}   # seconds of probing before a window is measured (JIT compilation is start-up, not load)
CLUSTERS=${CLUSTERS:-100}
INTERVAL_MS=${INTERVAL_MS:-500}
HEARTBEAT=${HEARTBEAT:-false}
VAR=${MYSQLHA_VAR:-$ROOT/var}

started_here=0
if ! curl -sf http://127.0.0.1:8081/q/health/live > /dev/null 2>&1; then
  echo "starting the local stack (infra/local/up.sh)..."
  infra/local/up.sh > /tmp/probe-scale-up.log 2>&1 || { tail -20 /tmp/probe-scale-up.log; die "up.sh failed"; }
  started_here=1
fi
find_jdk
CP="libs/test-support/target/classes:$(cat libs/test-support/target/classpath.txt)"
probe_pid=$(cat "$VAR/run/health-probe.pid")
db_pids=$(for n in 1 2 3; do cat "$VAR/run/node$n.pid"; echo; done)
hz=$(getconf CLK_TCK)
specs=$(mktemp -d)
ids=()

cleanup() {
  if [ ${#ids[@]} -gt 0 ]; then
    "$JAVA_HOME/bin/java" -Djava.util.logging.manager=java.util.logging.LogManager -cp "$CP" io.mysqlha.testsupport.local.LocalStack remove 127.0.0.1:9092 "${ids[@]}" > /dev/null || true
  fi
  rm -rf "$specs"
  if [ $started_here = 1 ]; then infra/local/down.sh > /dev/null; fi
}
trap cleanup EXIT

ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
metric_sum() { curl -s http://127.0.0.1:8081/q/metrics | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%d\n", s}'; }
rss_mib() { awk '/VmRSS/ {printf "%.0f\n", $2 / 1024}' "/proc/$probe_pid/status"; }

# measure LABEL NODES: one window of WINDOW seconds
measure() {
  local t0 d0 p0 f0 t1 d1 p1 f1
  t0=$(ticks "$probe_pid"); d0=$(ticks $db_pids)
  p0=$(metric_sum "mysqlha_probe_duration_seconds_count"); f0=$(metric_sum "mysqlha_probe_failures_total")
  sleep "$WINDOW"
  t1=$(ticks "$probe_pid"); d1=$(ticks $db_pids)
  p1=$(metric_sum "mysqlha_probe_duration_seconds_count"); f1=$(metric_sum "mysqlha_probe_failures_total")
  awk -v l="$1" -v n="$2" -v p=$((p1 - p0)) -v t=$((t1 - t0)) -v d=$((d1 - d0)) -v hz="$hz" -v w="$WINDOW" \
      -v rss="$(rss_mib)" -v f=$((f1 - f0)) \
      'BEGIN {printf "%-30s %6s %10.1f %14.1f %18.1f %10s %9s\n", l, n, p / w, t * 100 / hz / w, d * 100 / hz / w, rss, f}'
}

echo "probe-scale: health-probe pid $probe_pid, interval $INTERVAL_MS ms, window $WINDOW s, $(nproc) cores," \
  "heartbeat on the synthetic clusters: $HEARTBEAT"
printf "%-30s %6s %10s %14s %18s %10s %9s\n" "" nodes probes/s "probe CPU %" "3 mariadbd CPU %" "RSS MiB" failures
sleep 10
measure "baseline: cluster 'local'" 3

for i in $(seq -w 1 "$CLUSTERS"); do
  id="scale-$i"; ids+=("$id")
  cat > "$specs/$id.yaml" <<YAML
cluster_id: $id
kind: semi_sync
nodes:
  - { id: node1, host: 127.0.0.1, port: 3307 }
  - { id: node2, host: 127.0.0.1, port: 3308 }
  - { id: node3, host: 127.0.0.1, port: 3309 }
probe: { interval_ms: $INTERVAL_MS, timeout_ms: $((INTERVAL_MS * 4 / 5)), heartbeat: $HEARTBEAT }
YAML
done
"$JAVA_HOME/bin/java" -Djava.util.logging.manager=java.util.logging.LogManager -cp "$CP" io.mysqlha.testsupport.local.LocalStack apply 127.0.0.1:9092 "$specs"/*.yaml > /dev/null
deadline=$((SECONDS + 120))
until [ "$(curl -s http://127.0.0.1:8081/q/health/ready | grep -c '"scale-[0-9]*": "probed"')" -ge "$CLUSTERS" ]; do
  [ $SECONDS -lt $deadline ] || die "the probe did not take all $CLUSTERS clusters within 120 s"
  sleep 1
done
sleep "$WARMUP"
measure "$((CLUSTERS * 3)) node entries (+ local)" $((CLUSTERS * 3 + 3))
echo "target: probe CPU under 25% of one core at 300 node entries"
