package io.mysqlha.probe.core;

/** A server answered with a shape the probe does not know (a missing column, a non-number): reported, not guessed. */
public final class UnexpectedResultException extends RuntimeException {
    public UnexpectedResultException(String message) {
        super(message);
    }
}
