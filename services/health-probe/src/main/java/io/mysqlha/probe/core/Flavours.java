package io.mysqlha.probe.core;

import io.mysqlha.domain.Flavour;

import java.util.Locale;

/** The flavour from {@code @@version} (MariaDB says so in it; MySQL and Percona do not), and its dialect. */
public final class Flavours {
    private static final ReplicationDialect MARIADB = new MariaDbReplicationDialect();
    private static final ReplicationDialect MYSQL = new MysqlReplicationDialect();

    private Flavours() {
    }

    public static Flavour of(String version) {
        return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? Flavour.MARIADB : Flavour.MYSQL;
    }

    public static ReplicationDialect dialect(Flavour flavour) {
        return switch (flavour) {
            case MARIADB -> MARIADB;
            case MYSQL -> MYSQL;
        };
    }
}
