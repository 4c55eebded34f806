package io.mysqlha.topology.core;

import io.mysqlha.events.NodeHealthObserved;

import java.time.Instant;

/**
 * The latest completed failover: which node the current epoch made the writer, and when it completed ({@code null}
 * when the epoch was read back from a published topology). {@link #NONE} before any.
 */
public record FailoverEpoch(long epoch, String writerNodeId, Instant completedAt) {
    public static final FailoverEpoch NONE = new FailoverEpoch(0, null, null);

    public FailoverEpoch(long epoch, String writerNodeId) {
        this(epoch, writerNodeId, null);
    }

    /** True when the observation was made before this epoch's failover completed: what it says may be undone. */
    public boolean predates(NodeHealthObserved o) {
        return completedAt != null && o.header().time().isBefore(completedAt);
    }
}
