package io.mysqlha.events;

/**
 * @param targetNode  node to promote, or null to let the failover service elect one
 * @param requestedBy who asked (user name, tool)
 */
@EventDoc("An operator asked for a planned primary change.")
public record SwitchoverRequested(EventHeader header, String requestId, String targetNode, String requestedBy)
        implements Event {
}
