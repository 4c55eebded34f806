package io.mysqlha.service.sql;

/**
 * A statement against a node (a recovery step, a backup query) that could not be done, saying on which node and
 * what; never carries a statement's text when the statement holds a password.
 */
public class NodeSqlException extends RuntimeException {
    public NodeSqlException(String message) {
        super(message);
    }

    public NodeSqlException(String message, Throwable cause) {
        super(message, cause);
    }
}
