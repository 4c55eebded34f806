package io.mysqlha.testsupport.servers;

import java.util.List;

/**
 * The accounts of local and test clusters, by role. Application users never get READ ONLY ADMIN or SUPER: with
 * it a client could write on a read-only replica and create an errant GTID.
 */
public record DbUsers(DbUser app, DbUser admin, DbUser monitor, DbUser replication) {

    /** The local launcher's and tests' accounts (the README lists them). */
    public static final DbUsers LOCAL = new DbUsers(DbUser.of("app", "app"), DbUser.of("admin", "admin"),
            DbUser.of("mysqlha_monitor", "monitor"), DbUser.of("mysqlha_repl", "repl"));

    /** SQL creating the accounts on MariaDB, for 127.0.0.1 and localhost. */
    public List<String> createStatements() {
        return createStatements("PROCESS, BINLOG MONITOR, SLAVE MONITOR, REPLICATION CLIENT ON *.*");
    }

    /**
     * The same on MySQL: its monitor reads replication and Group Replication state in performance_schema, and
     * users get MySQL's default plugin (caching_sha2_password).
     */
    public List<String> mysqlCreateStatements() {
        List<String> all = new java.util.ArrayList<>(createStatements("PROCESS, REPLICATION CLIENT ON *.*"));
        all.add(grant("SELECT ON performance_schema.*", monitor));
        return all;
    }

    private List<String> createStatements(String monitorPrivileges) {
        return List.of(
                "CREATE DATABASE IF NOT EXISTS app",
                "CREATE DATABASE IF NOT EXISTS mysqlha",
                create(admin), grant("ALL PRIVILEGES ON *.*", admin) + " WITH GRANT OPTION",
                create(app), grant("SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES,"
                        + " LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, TRIGGER,"
                        + " EVENT, REFERENCES, PROCESS ON *.*", app),
                create(monitor), grant(monitorPrivileges, monitor),
                grant("SELECT, INSERT, UPDATE, DELETE, CREATE ON mysqlha.*", monitor),
                create(replication), grant("REPLICATION SLAVE ON *.*", replication));
    }

    private static String create(DbUser u) {
        return "CREATE USER IF NOT EXISTS '" + u.name() + "'@'127.0.0.1' IDENTIFIED BY '" + u.password().reveal()
                + "'; CREATE USER IF NOT EXISTS '" + u.name() + "'@'localhost' IDENTIFIED BY '"
                + u.password().reveal() + "'";
    }

    private static String grant(String what, DbUser u) {
        return "GRANT " + what + " TO '" + u.name() + "'@'127.0.0.1', '" + u.name() + "'@'localhost'";
    }
}
