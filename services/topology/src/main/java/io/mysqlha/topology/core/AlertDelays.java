package io.mysqlha.topology.core;

import java.time.Duration;
import java.util.Map;

/**
 * How long a condition must hold before its alert is raised (Prometheus' {@code for:}). A planned switchover
 * leaves a cluster without a writer, and the candidate replicating from nobody, for a fraction of a second, and
 * an unplanned failover for one or two, and a re-pointed old primary may show a lag spike: those moments must
 * not page anyone, while a cluster that stays without a
 * writer must. Conditions that are never part of a recovery (a second writer, a node down, which has its own
 * down_after hysteresis) are raised at once. Pure.
 */
public record AlertDelays(Map<String, Duration> byName) {
    /** What topology uses: 5 s for the conditions a switchover or failover passes through. */
    public static final AlertDelays DEFAULT = new AlertDelays(Map.of(
            "ClusterHasNoWriter", Duration.ofSeconds(5),
            "ReplicationStopped", Duration.ofSeconds(5),
            // an old primary just re-pointed reads the new writer's last heartbeat row, possibly hours old, until
            // the new one replicates: a lag spike of under a second
            "ReplicationLagHigh", Duration.ofSeconds(5),
            "SemiSyncDegraded", Duration.ofSeconds(5)));
    /** Every condition raised as soon as it is seen. */
    public static final AlertDelays NONE = new AlertDelays(Map.of());

    public AlertDelays {
        byName = Map.copyOf(byName);
    }

    public Duration of(AlertCondition c) {
        return byName.getOrDefault(c.name(), Duration.ZERO);
    }
}
