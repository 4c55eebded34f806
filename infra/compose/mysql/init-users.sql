-- Runs once on every node's first start (docker-entrypoint-initdb.d), outside the binlog: each node creates its
-- own accounts and schemas, so no node holds a transaction the others lack (an errant GTID) and any can be
-- promoted. mysql_native_password: the gateway authenticates with it, and derives each backend's login from the
-- client's proof. Passwords here are the compose example's; change them with the files in secrets/.
SET SESSION sql_log_bin = 0;
CREATE DATABASE IF NOT EXISTS app;
CREATE DATABASE IF NOT EXISTS mysqlha;
CREATE USER IF NOT EXISTS 'admin'@'%' IDENTIFIED WITH mysql_native_password BY 'admin';
GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION;
-- the application: no SUPER, CONNECTION_ADMIN or SYSTEM_VARIABLES_ADMIN, so it can never write on a read-only node
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED WITH mysql_native_password BY 'app';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE,
  CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, TRIGGER, EVENT, REFERENCES, PROCESS ON *.* TO 'app'@'%';
CREATE USER IF NOT EXISTS 'mysqlha_monitor'@'%' IDENTIFIED WITH mysql_native_password BY 'monitor';
GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'mysqlha_monitor'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON mysqlha.* TO 'mysqlha_monitor'@'%';
CREATE USER IF NOT EXISTS 'mysqlha_repl'@'%' IDENTIFIED WITH mysql_native_password BY 'repl';
GRANT REPLICATION SLAVE ON *.* TO 'mysqlha_repl'@'%';
SET SESSION sql_log_bin = 1;
