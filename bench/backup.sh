#!/usr/bin/env bash
# Backup figures on its own semi-sync topology (free ports, stopped by pid): dump throughput of the backup service
# against the dump tool alone (mariadb-dump | zstd -3 into a file), rounds interleaved, and the ratio (target
# >= 0.9); archive lag, from a commit acknowledged on the writer to its bytes in the archive's copy of the binlog
# (target p99 <= 1 s). Asserts nothing.
#   ROWS=1000000 ROUNDS=3 COMMITS=500 bench/backup.sh
set -euo pipefail
source "$(dirname "$0")/../infra/lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
find_jdk
ensure_packages "${MYSQLHA_PACKAGES[@]}"
ensure_built backup-bench services/backup/target/bench-classpath.txt services/backup/target/test-classes
CP="services/backup/target/test-classes:services/backup/target/classes:$(cat services/backup/target/bench-classpath.txt)"
exec "$JAVA_HOME/bin/java" -Djava.util.logging.manager=java.util.logging.LogManager -Dbuild.project.root="$ROOT" --enable-native-access=ALL-UNNAMED \
  -Drows="${ROWS:-1000000}" -Drounds="${ROUNDS:-3}" -Dcommits="${COMMITS:-500}" -cp "$CP" \
  io.mysqlha.backup.bench.BackupBench
