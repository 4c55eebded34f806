package io.mysqlha.topology.core;

/**
 * What the topology topic holds for a cluster: the last assignment published, its generation and epoch.
 * {@link #NONE} before the first one; generations start at 1.
 */
public record Published(long generation, long epoch, Assignment assignment) {
    public static final Published NONE = new Published(0, 0, Assignment.EMPTY);
}
