#!/usr/bin/env bash
# What infra/local/up.sh started, and whether it runs.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ROOT=$(project_root)
VAR=${MYSQLHA_VAR:-$ROOT/var}

row() { # name marker endpoint [health-url]
  local pid state="stopped" health=""
  pid=$(cat "$VAR/run/$1.pid" 2>/dev/null || echo "-")
  if [ "$pid" != "-" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qE -- "$2"; then
    state="running"
    [ "$(awk '{print $3}' "/proc/$pid/stat")" = "T" ] && state="frozen"
  fi
  if [ -n "${4:-}" ] && [ "$state" = "running" ]; then
    health=$(curl -s -m 2 "$4" | grep -o '"status": *"[A-Z]*"' | head -1 | grep -o '[A-Z]*"$' | tr -d '"' || true)
  fi
  printf "%-14s %-8s %-8s %-22s %s\n" "$1" "$pid" "$state" "$3" "$health"
}

printf "%-14s %-8s %-8s %-22s %s\n" COMPONENT PID STATE ENDPOINT HEALTH
row kafka kafka.Kafka 127.0.0.1:9092
row node1 'mariadbd|sbin/mysqld' 127.0.0.1:3307
row node2 'mariadbd|sbin/mysqld' 127.0.0.1:3308
row node3 'mariadbd|sbin/mysqld' 127.0.0.1:3309
port=8081
for s in health-probe topology failover proxy-gateway backup alert-forwarder; do
  row "$s" "services/$s/target/quarkus-app/quarkus-run.jar" "http://127.0.0.1:$port" "http://127.0.0.1:$port/q/health"
  port=$((port + 1))
done
