package io.mysqlha.events;

/**
 * @param requestedBy who acknowledged (user name, tool)
 */
@EventDoc("An operator acknowledged a cluster's last recovery, which clears the window in which no other"
        + " recovery of that cluster starts.")
public record RecoveryBlockAcknowledged(EventHeader header, String requestId, String requestedBy) implements Event {
}
