package io.mysqlha.topology.core;

/** The latest completed failover: which node the current epoch made the writer. {@link #NONE} before any. */
public record FailoverEpoch(long epoch, String writerNodeId) {
    public static final FailoverEpoch NONE = new FailoverEpoch(0, null);
}
