package io.mysqlha.domain;

/** The server family a node belongs to; it decides GTID syntax and which SQL a probe or a recovery uses. */
public enum Flavour {
    /** MySQL 8 and Percona Server: GTID sets {@code uuid:1-5}, {@code @@gtid_executed}. */
    MYSQL,
    /** MariaDB: GTID positions {@code domain-server-seq}, {@code @@gtid_current_pos}. */
    MARIADB
}
