package io.mysqlha.topology.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the conditions each derivation finds into raised/resolved pairs: a condition is raised once when it has
 * held for its delay ({@link AlertDelays}) and resolved once when it is gone, however many derivations see it in
 * between; one that ends before its delay is never raised at all. Immutable.
 *
 * @param active  raised and not resolved, by key
 * @param pending seen and not raised yet, by key: since when it holds
 */
public record AlertTracker(Map<String, AlertCondition> active, Map<String, Instant> pending) {
    public static final AlertTracker NONE = new AlertTracker(Map.of(), Map.of());

    public AlertTracker {
        active = Map.copyOf(active);
        pending = Map.copyOf(pending);
    }

    /** Alerts read back at take-over, with nothing pending. */
    public AlertTracker(Map<String, AlertCondition> active) {
        this(active, Map.of());
    }

    /** What changed, and the tracker to keep. */
    public record Changes(List<AlertCondition> raised, List<AlertCondition> resolved, AlertTracker next) {
    }

    /** Every condition raised as soon as it is seen. */
    public Changes update(List<AlertCondition> now) {
        return update(now, Instant.EPOCH, AlertDelays.NONE);
    }

    public Changes update(List<AlertCondition> now, Instant at, AlertDelays delays) {
        Map<String, AlertCondition> current = new LinkedHashMap<>();
        now.forEach(c -> current.putIfAbsent(c.key(), c));
        Map<String, AlertCondition> nextActive = new LinkedHashMap<>();
        Map<String, Instant> nextPending = new LinkedHashMap<>();
        List<AlertCondition> raised = new ArrayList<>();
        List<AlertCondition> resolved = new ArrayList<>();
        current.forEach((key, c) -> {
            if (active.containsKey(key)) {
                nextActive.put(key, c);
                return;
            }
            Instant since = pending.getOrDefault(key, at);
            Duration delay = delays.of(c);
            if (!at.isBefore(since.plus(delay))) {
                raised.add(c);
                nextActive.put(key, c);
            } else {
                nextPending.put(key, since);
            }
        });
        active.forEach((key, c) -> {
            if (!current.containsKey(key)) {
                resolved.add(c);
            }
        });
        return new Changes(raised, resolved, new AlertTracker(nextActive, nextPending));
    }

    /** Whether a condition waits for its delay: the cluster must be looked at again when it has passed. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }
}
