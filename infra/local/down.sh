#!/usr/bin/env bash
# Stops everything infra/local/up.sh started, by the pids it recorded (services, then the MariaDB or MySQL nodes, then Kafka).
# A pid whose process is no longer the one recorded is left alone. Data in var/ is kept.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ROOT=$(project_root)
VAR=${MYSQLHA_VAR:-$ROOT/var}

stop() { # name marker grace-seconds
  local file="$VAR/run/$1.pid" pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qE -- "$2"; then
    kill -CONT "$pid" 2>/dev/null || true   # a frozen process would not act on SIGTERM
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + $3))
    while [ -e "/proc/$pid" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if [ -e "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; echo "  $1 killed (pid $pid, no exit after $3 s)"; else echo "  $1 stopped (pid $pid)"; fi
  fi
  rm -f "$file"
}

for s in alert-forwarder proxy-gateway backup failover topology health-probe; do stop "$s" "services/$s/target/quarkus-app/quarkus-run.jar" 20; done
for n in node3 node2 node1; do stop "$n" "mariadbd|sbin/mysqld" 60; done # MariaDB, or MySQL (FLAVOR=mysql)
stop kafka "kafka.Kafka" 30
echo "mysqlha stopped (data kept in $VAR; remove it for a fresh start)"
