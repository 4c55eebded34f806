package io.mysqlha.gateway.sql;

/** What a statement is, by its first keywords. */
public enum StatementKind {
    SELECT, SHOW, SET, USE,
    /** BEGIN, START TRANSACTION (READ ONLY is a flag), XA START. */
    BEGIN, COMMIT, ROLLBACK,
    /** SAVEPOINT and RELEASE SAVEPOINT. */
    SAVEPOINT,
    /** INSERT, UPDATE, DELETE, REPLACE, LOAD DATA/XML, MERGE-like writes. */
    DML,
    /** CREATE, ALTER, DROP, TRUNCATE, RENAME, and the account statements (GRANT, REVOKE). */
    DDL,
    CALL, LOCK_TABLES, UNLOCK_TABLES, PREPARE, EXECUTE, DEALLOCATE, DO,
    /** EXPLAIN, DESCRIBE, DESC. */
    EXPLAIN,
    /** Anything else that parses (FLUSH, KILL, HANDLER, XA END, ANALYZE...). */
    OTHER,
    /** Empty, only comments, or not read (an unterminated string, a statement too long to look into). */
    UNKNOWN
}
