package io.mysqlha.events;

import java.util.Map;

/**
 * @param alertId stable for one condition on one subject, so AlertResolved can name it
 * @param name    e.g. MultipleWritersDetected, ReplicationLagHigh, NoWriter
 * @param nodeId  the node concerned, or null for the whole cluster
 * @param labels  extra labels for alert routing
 */
@EventDoc("A condition an operator should know about began.")
public record AlertRaised(EventHeader header, String alertId, String name, Severity severity, String nodeId,
                          String summary, Map<String, String> labels) implements Event {
    public AlertRaised {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
