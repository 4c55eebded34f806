#!/usr/bin/env bash
# Starts the embedded default: Kafka on 127.0.0.1:9092, the MariaDB cluster 'local' (node1..node3 on
# 3307..3309, semi-sync GTID replication), its cluster spec, and all five services; then waits until every
# /q/health is UP and prints what to connect to. Safe to run again. Stop everything with infra/local/down.sh.
# FLAVOR=mysql runs the same cluster on MySQL 9.7 (installed from Debian sid on first use; its data in var/mysql);
# FLAVOR=mysql-gr as a MySQL 9.7 single-primary Group Replication group (var/mysql-gr; group ports 33061..33063).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ROOT=$(project_root)
VAR=${MYSQLHA_VAR:-$ROOT/var}
cd "$ROOT"

find_jdk
JAVA="$JAVA_HOME/bin/java"
ensure_packages "${MYSQLHA_PACKAGES[@]}"
FLAVOR=${FLAVOR:-mariadb}
case "$FLAVOR" in
  mariadb) CLIENT=mariadb; NODES="MariaDB 10.11"; TLS_OPTIONS="--ssl-ca=var/tls/ca.pem --ssl-verify-server-cert" ;;
  mysql|mysql-gr) ensure_mysql; CLIENT=bin/mysql; NODES="MySQL 9.7"; TLS_OPTIONS="--ssl-mode=VERIFY_IDENTITY --ssl-ca=var/tls/ca.pem"
    [ "$FLAVOR" = mysql-gr ] && NODES="MySQL 9.7 Group Replication"
    mysql_tool_scripts "$VAR/mysql-tools" # the backup service's dump, binlog, client and verification server
    T="$VAR/mysql-tools"
    BACKUP_TOOLS="-Dmysqlha.backup.mysql.dump-tool=$T/mysqldump -Dmysqlha.backup.mysql.binlog-tool=$T/mysqlbinlog"
    BACKUP_TOOLS+=" -Dmysqlha.backup.mysql.client-tool=$T/mysql -Dmysqlha.backup.mysql.server-binary=$T/mysqld" ;;
  *) die "FLAVOR=$FLAVOR: expected mariadb (the default), mysql or mysql-gr" ;;
esac
mkdir -p "$VAR/run" "$VAR/log" "$VAR/backups" "$VAR/binlog-spool" "$VAR/scratch"

# Build when nothing is built yet or a source changed since the last build (unit tests only: the README's
# test command runs the integration tests).
stamp="$VAR/.built"
if [ ! -f services/proxy-gateway/target/quarkus-app/quarkus-run.jar ] || [ ! -f "$stamp" ] \
   || [ -n "$(find pom.xml libs services infra/kafka-dist -newer "$stamp" \( -name '*.java' -o -name 'pom.xml' \
        -o -name '*.properties' -o -name '*.xml' \) -not -path '*/target/*' -print -quit)" ]; then
  echo "building (./mvnw -Dquick install)..."
  ./mvnw -B -q -Dquick install > "$VAR/log/build.log" 2>&1 || { tail -40 "$VAR/log/build.log"; die "build failed; full log: $VAR/log/build.log"; }
  touch "$stamp"
fi

echo "infrastructure:"
setsid "$JAVA" -cp "libs/test-support/target/classes:$(cat libs/test-support/target/classpath.txt)" \
  io.mysqlha.testsupport.local.LocalStack up "$ROOT" "$VAR" "$FLAVOR" < /dev/null

# name http-port extra-options...
SERVICES=(
  "health-probe 8081"
  "topology 8082"
  "failover 8083"
  "proxy-gateway 8084"
  "backup 8085 -Dmysqlha.backup.repository=$VAR/backups -Dmysqlha.backup.spool=$VAR/binlog-spool -Dmysqlha.backup.scratch=$VAR/scratch ${BACKUP_TOOLS:-}"
)

# The reference alert consumer runs when there is a webhook to post to: MYSQLHA_ALERT_WEBHOOK_URL (kept as the
# secret var/secrets/alert-webhook-url; it is never a plain setting, a Slack URL's path is its credential).
if [ -n "${MYSQLHA_ALERT_WEBHOOK_URL:-}" ]; then
  (umask 077; printf '%s\n' "$MYSQLHA_ALERT_WEBHOOK_URL" > "$VAR/secrets/alert-webhook-url")
fi
if [ -f "$VAR/secrets/alert-webhook-url" ]; then
  SERVICES+=("alert-forwarder 8086 -Dmysqlha.alerts.format=${MYSQLHA_ALERT_FORMAT:-alertmanager}")
  ALERTS_LINE="alert-forwarder :8086 posts mysqlha.alerts to the webhook in var/secrets/alert-webhook-url"
else
  ALERTS_LINE="alert-forwarder not started: MYSQLHA_ALERT_WEBHOOK_URL=https://... infra/local/up.sh forwards alerts"
fi

alive() { # pid-file marker
  local pid; pid=$(cat "$1" 2>/dev/null) || return 1
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2"
}

echo "services:"
for entry in "${SERVICES[@]}"; do
  read -r name port extra <<<"$entry"
  jar="$ROOT/services/$name/target/quarkus-app/quarkus-run.jar"
  if alive "$VAR/run/$name.pid" "$jar"; then echo "  $name already running (pid $(cat "$VAR/run/$name.pid"))"; continue; fi
  # shellcheck disable=SC2086
  setsid "$JAVA" -Xms64m -Xmx256m -Dquarkus.http.port="$port" -Dmysqlha.kafka.bootstrap-servers=127.0.0.1:9092 \
    -Dmysqlha.secrets-dir="$VAR/secrets" -Dmysqlha.instance-id="$name-local" $extra \
    -jar "$jar" >> "$VAR/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$VAR/run/$name.pid"
  echo "  $name started (pid $!, http://127.0.0.1:$port, log var/log/$name.log)"
done

for entry in "${SERVICES[@]}"; do
  read -r name port _ <<<"$entry"
  deadline=$((SECONDS + 120))
  until curl -sf "http://127.0.0.1:$port/q/health" > /dev/null; do
    if ! alive "$VAR/run/$name.pid" "quarkus-run.jar"; then tail -30 "$VAR/log/$name.log"; die "$name exited; log: $VAR/log/$name.log"; fi
    [ $SECONDS -lt $deadline ] || { curl -s "http://127.0.0.1:$port/q/health"; tail -30 "$VAR/log/$name.log"; die "$name not healthy after 120 s"; }
    sleep 0.5
  done
done

cat <<MSG

mysqlha is up: every /q/health is UP.
  gateway read/write   $CLIENT -h127.0.0.1 -P6033 -uapp -papp
  gateway read-only    $CLIENT -h127.0.0.1 -P6034 -uapp -papp
  gateway over TLS     $CLIENT -h127.0.0.1 -P6033 -uapp -papp $TLS_OPTIONS
  $NODES nodes  node1 127.0.0.1:3307, node2 :3308, node3 :3309 (the primary: bin/mysqlha status local; users app/app, admin/admin)
  new users            CREATE USER on the primary (e.g. through the gateway as admin) logs in through the gateway at once
  Kafka                127.0.0.1:9092 (topics mysqlha.*)
  services             health-probe :8081  topology :8082  failover :8083  proxy-gateway :8084  backup :8085
                       (/q/health, /q/metrics on each)
  backups              bin/mysqlha backups run local   (REST: curl -XPOST -H "Authorization: Bearer \$(cat var/secrets/local-operator-token)" 127.0.0.1:8085/clusters/local/backups)
  alerts               $ALERTS_LINE
  status               infra/local/status.sh        stop: infra/local/down.sh
MSG
