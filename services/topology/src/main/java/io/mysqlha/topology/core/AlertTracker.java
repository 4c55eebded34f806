package io.mysqlha.topology.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the conditions each derivation finds into raised/resolved pairs: a condition is raised once when it
 * appears and resolved once when it is gone, however many derivations see it in between. Immutable.
 */
public record AlertTracker(Map<String, AlertCondition> active) {
    public static final AlertTracker NONE = new AlertTracker(Map.of());

    public AlertTracker {
        active = Map.copyOf(active);
    }

    /** What changed, and the tracker to keep. */
    public record Changes(List<AlertCondition> raised, List<AlertCondition> resolved, AlertTracker next) {
    }

    public Changes update(List<AlertCondition> now) {
        Map<String, AlertCondition> current = new LinkedHashMap<>();
        now.forEach(c -> current.putIfAbsent(c.key(), c));
        List<AlertCondition> raised = new ArrayList<>();
        List<AlertCondition> resolved = new ArrayList<>();
        current.forEach((key, c) -> {
            if (!active.containsKey(key)) {
                raised.add(c);
            }
        });
        active.forEach((key, c) -> {
            if (!current.containsKey(key)) {
                resolved.add(c);
            }
        });
        return new Changes(raised, resolved, new AlertTracker(current));
    }
}
