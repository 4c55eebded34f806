#!/bin/bash
# Runs once on a replica's first start (docker-entrypoint-initdb.d), after init-users.sql: replicate from
# mysql1 by GTID auto-position, and stay read-only (persisted, so the restarted server keeps it).
set -euo pipefail
mysql -uroot -p"$(cat "$MYSQL_ROOT_PASSWORD_FILE")" <<SQL
CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql1', SOURCE_PORT=3306, SOURCE_USER='mysqlha_repl',
  SOURCE_PASSWORD='repl', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1;
START REPLICA;
SET PERSIST read_only = ON;
SET PERSIST super_read_only = ON;
SQL
