package io.mysqlha.gateway.sql;

/**
 * What the classifier found in one statement.
 *
 * @param kind   by its first keywords
 * @param flags  the {@code F_*} bits below
 * @param detail the assignments of a SET ("sql_mode,@x,global:max_connections,names,transaction"), or the first
 *               word of DDL and OTHER statements; null otherwise
 */
public record Statement(StatementKind kind, int flags, String detail) {
    /** SELECT ... FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE. */
    public static final int F_LOCKING = 1;
    /** A SELECT that names no table (SELECT 1, SELECT @@server_id, FROM DUAL). */
    public static final int F_NO_TABLE = 1 << 1;
    /** Reads or assigns a user variable (@x): its value lives on one connection. */
    public static final int F_USER_VARIABLE = 1 << 2;
    /** GET_LOCK, RELEASE_LOCK, IS_USED_LOCK...: the lock lives on one connection. */
    public static final int F_NAMED_LOCK = 1 << 3;
    /** SQL_CALC_FOUND_ROWS or FOUND_ROWS(): the count lives on one connection. */
    public static final int F_FOUND_ROWS = 1 << 4;
    /** LAST_INSERT_ID(), @@identity, @@last_insert_id: only the writer's connection knows it. */
    public static final int F_LAST_INSERT_ID = 1 << 5;
    /** CREATE / DROP TEMPORARY TABLE. */
    public static final int F_TEMPORARY_TABLE = 1 << 6;
    /** A read that writes or must see the writer: INTO OUTFILE/DUMPFILE, NEXTVAL, @@last_gtid. */
    public static final int F_WRITES = 1 << 7;
    /** About the previous statement (SHOW WARNINGS, @@warning_count, SHOW PROFILE): where it ran. */
    public static final int F_PREVIOUS_STATEMENT = 1 << 8;
    /** START TRANSACTION READ ONLY. */
    public static final int F_READ_ONLY = 1 << 9;
    /** A SET of a GLOBAL or PERSIST variable. */
    public static final int F_GLOBAL = 1 << 10;
    /** About the server itself or its replication (SHOW MASTER STATUS, SHOW PROCESSLIST...): the writer answers. */
    public static final int F_SERVER_STATE = 1 << 11;
    /** CONNECTION_ID(): the thread id of whichever connection answers, which a later KILL may name. */
    public static final int F_CONNECTION_ID = 1 << 12;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Whether it may change data: what a client that cannot report GTIDs has written after it (a locking read, SET,
     * SHOW or BEGIN does not write).
     */
    public boolean mayWrite() {
        return switch (kind) {
            case SELECT -> has(F_WRITES);
            case SHOW, SET, USE, BEGIN, EXPLAIN, SAVEPOINT, ROLLBACK -> false;
            default -> true;
        };
    }

    /** Whether it can be answered by a replica with the same result (outside a transaction). */
    public boolean isRead() {
        return (kind == StatementKind.SELECT || kind == StatementKind.SHOW)
                && (flags & (F_LOCKING | F_USER_VARIABLE | F_NAMED_LOCK | F_FOUND_ROWS | F_LAST_INSERT_ID
                | F_WRITES | F_PREVIOUS_STATEMENT | F_SERVER_STATE)) == 0;
    }
}
