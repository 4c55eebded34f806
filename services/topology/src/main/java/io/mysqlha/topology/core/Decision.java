package io.mysqlha.topology.core;

import java.util.List;
import java.util.Optional;

/**
 * What one look at a cluster decided: a new generation to publish (or none), the alerts to raise and resolve,
 * and the alert state to keep once they are published.
 */
public record Decision(Optional<Published> next, String cause, List<AlertCondition> raised,
                       List<AlertCondition> resolved, AlertTracker alerts) {
    public Decision {
        raised = List.copyOf(raised);
        resolved = List.copyOf(resolved);
    }

    public boolean nothingToPublish() {
        return next.isEmpty() && raised.isEmpty() && resolved.isEmpty();
    }
}
