package io.mysqlha.events.health;

/**
 * Why a node could not be probed. An authentication failure means the node is alive and the probe's
 * credentials are wrong: it is never a reason to fail over.
 */
public record ProbeFailure(Reason reason, Integer errorCode, String message) {
    public enum Reason {
        REFUSED,
        TIMEOUT,
        AUTH_FAILURE,
        TOO_MANY_CONNECTIONS,
        OTHER
    }
}
