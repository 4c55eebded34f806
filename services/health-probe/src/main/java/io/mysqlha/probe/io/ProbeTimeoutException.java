package io.mysqlha.probe.io;

/** A probe cycle did not finish within its budget: the node is alive enough to accept TCP, or is not there. */
public final class ProbeTimeoutException extends RuntimeException {
    public ProbeTimeoutException(long timeoutMs, String phase) {
        super("no answer within " + timeoutMs + " ms (" + phase + ")", null, false, false);
    }
}
