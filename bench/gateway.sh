#!/usr/bin/env bash
# sysbench point_select, read_only and read_write through the gateway (pass-through and splitting listeners, the
# latter with session, global and no causal reads: split, split-global, split-none), directly, through HAProxy
# (TCP mode) and through MySQL Router 9.7 (a static route), interleaved in one run on the same MariaDB nodes (medians of ROUNDS),
# and with TLS terminated by the gateway (gateway-tls: per query, and per connection),
# with the gateway's CPU per query; then its RSS with IDLE authenticated idle clients (default 10,000; idle sessions
# give their backend connections back after 2 s). Self-contained: starts its own broker, semi-sync topology, gateway
# and HAProxy (free ports, stopped by pid). Prints figures; asserts nothing.
#   SECONDS_PER_RUN=10 ROUNDS=3 THREADS=4 IDLE=10000 bench/gateway.sh
#   WORKLOADS=oltp_point_select,oltp_read_only TARGETS=haproxy,gateway IDLE=0 bench/gateway.sh runs a part of it
#   OTHER_GATEWAY=/tmp/base/quarkus-app/quarkus-run.jar adds another build of the gateway to the same rounds (an A/B)
#   (OTHER_GATEWAY_JVM: options for that one's JVM; OTHER_GATEWAY=the build's own jar compares two settings)
#   OTHER_TLS=1 makes that other gateway's listener require TLS as gateway-tls's does: an A/B of TLS engines, e.g.
#   OTHER_GATEWAY=services/proxy-gateway/target/quarkus-app/quarkus-run.jar OTHER_TLS=1 \
#     OTHER_GATEWAY_JVM=-Dmysqlha.gateway.tls-provider=openssl TARGETS=gateway,gateway-tls,other bench/gateway.sh
#   STORM=N: N clients log in over TLS again and again during each measured run of a TLS target (gateway-tls, and
#   other with OTHER_TLS=1): the statements' QPS and p95 while handshakes compete for the gateway, e.g. the A/B of
#   OTHER_GATEWAY_JVM=-Dmysqlha.gateway.tls-handshake-threads=1 (handshakes off the event loops)
#   GATEWAY_JVM="-XX:StartFlightRecording=filename=/tmp/gw.jfr" adds options to the gateway's JVM (a profiler)
#   PIN=1 puts the proxy under test alone on the second core, sysbench and the servers on the first (taskset)
set -euo pipefail
source "$(dirname "$0")/../infra/lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
find_jdk
ensure_packages "${MYSQLHA_PACKAGES[@]}"
ensure_mysql # MySQL Router 9.7, a peer
ensure_built gateway-bench services/proxy-gateway/target/quarkus-app/quarkus-run.jar libs/test-support/target/classpath.txt
# thousands of clients and their backend connections need more descriptors than the usual soft limit of 1,024
ulimit -n "$(ulimit -Hn)"
run_test_support_main io.mysqlha.testsupport.bench.GatewayBench \
  -Dseconds="${SECONDS_PER_RUN:-10}" -Drounds="${ROUNDS:-3}" -Dthreads="${THREADS:-4}" -Didle="${IDLE:-10000}" \
  -DgatewayJvm="${GATEWAY_JVM:-}" -Dworkloads="${WORKLOADS:-}" -Dtargets="${TARGETS:-}" \
  -DotherGateway="${OTHER_GATEWAY:-}" -DotherGatewayJvm="${OTHER_GATEWAY_JVM:-}" \
  -DotherTls="$([ "${OTHER_TLS:-0}" = 1 ] && echo true || echo false)" -Dstorm="${STORM:-0}" \
  -Dpin="$([ "${PIN:-0}" = 1 ] && echo true || echo false)"
