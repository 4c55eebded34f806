package io.mysqlha.events;

import java.util.Map;

/**
 * @param stepDurationsMillis each step's duration, in the order the steps ran
 * @param lostTransactions    transactions the old primary had that the new one does not (0 when none)
 * @param lostGtids           those transactions in the cluster's GTID notation, empty when none
 * @param promotedAt          the new primary's GTID position when it was promoted, before its first own write:
 *                            a returning node whose position this contains can rejoin as its replica
 */
@EventDoc("A new primary is serving writes; the other replicas replicate from it.")
public record FailoverCompleted(EventHeader header, String failoverId, FailoverKind kind, String oldPrimary,
                                String newPrimary, long epoch, Map<String, Long> stepDurationsMillis,
                                long lostTransactions, String lostGtids,
                                String promotedAt) implements Event {
    public FailoverCompleted {
        stepDurationsMillis = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stepDurationsMillis));
    }
}
