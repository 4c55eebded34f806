package io.mysqlha.failover.io;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.FailoverKind;

import java.util.Set;

/**
 * What a promotion is asked to do.
 *
 * @param problem       the analysis (or "SwitchoverRequested") that asked for it
 * @param oldPrimaryId  the primary being replaced
 * @param epoch         the epoch the new primary starts
 * @param oldPrimaryOwn the old primary's own GTID position as last observed (null when never): what it had, to
 *                      count what the new primary lacks
 * @param errant        nodes the analysis found with errant transactions: never elected
 * @param target        the only node that may be promoted (a switchover's target, a resumed recovery's candidate)
 * @param resume        a recovery another instance began: the target is promoted without an election
 */
public record PromotionRequest(String failoverId, FailoverKind kind, String problem, ClusterSpec spec,
                               String oldPrimaryId, long epoch, String oldPrimaryOwn, Set<String> errant,
                               String target, boolean resume, boolean dryRun) {
    public PromotionRequest {
        errant = Set.copyOf(errant);
    }
}
