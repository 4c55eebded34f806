package io.mysqlha.failover.io;

import io.mysqlha.events.FailoverCompleted;

/**
 * How a recovery ended, for the owner's book.
 *
 * @param completed  the promotion's completion, null unless one completed
 * @param candidate  the node a promotion began to promote, null when it never began (election refused, say): a
 *                   promotion that failed after it began is resumed on the same candidate, whose steps so far
 *                   (its own epoch write, say) would make it errant under another
 * @param refusedAt  a rejoin refused for errant transactions: the node's own position then (null otherwise)
 */
public record RecoveryOutcome(String recoveryId, boolean succeeded, FailoverCompleted completed, String summary,
                              String candidate, String refusedAt) {
    public RecoveryOutcome(String recoveryId, boolean succeeded, FailoverCompleted completed, String summary) {
        this(recoveryId, succeeded, completed, summary, null, null);
    }
}
