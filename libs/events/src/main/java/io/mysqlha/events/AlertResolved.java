package io.mysqlha.events;

@EventDoc("A condition raised earlier by AlertRaised with the same alertId ended.")
public record AlertResolved(EventHeader header, String alertId, String name, String nodeId, String summary)
        implements Event {
}
