package io.mysqlha.topology.core;

import java.util.List;

/**
 * @param assignment the sets to publish
 * @param conditions alert conditions that hold now
 */
public record Derivation(Assignment assignment, List<AlertCondition> conditions) {
    public Derivation {
        conditions = List.copyOf(conditions);
    }
}
