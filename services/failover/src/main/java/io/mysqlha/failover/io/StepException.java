package io.mysqlha.failover.io;

/**
 * A recovery step that could not be done, saying on which node and what; never carries a statement's text when the
 * statement holds a password.
 */
public final class StepException extends RuntimeException {
    public StepException(String message) {
        super(message);
    }

    public StepException(String message, Throwable cause) {
        super(message, cause);
    }
}
