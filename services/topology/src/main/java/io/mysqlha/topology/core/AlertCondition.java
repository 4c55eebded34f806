package io.mysqlha.topology.core;

import io.mysqlha.events.Severity;

/**
 * A condition that holds now. The alert publisher raises one when it appears and resolves it when it is gone;
 * the key (name and node) makes repeated derivations of the same condition one alert.
 */
public record AlertCondition(String name, Severity severity, String nodeId, String summary) {
    public String key() {
        return name + "/" + (nodeId == null ? "-" : nodeId);
    }
}
