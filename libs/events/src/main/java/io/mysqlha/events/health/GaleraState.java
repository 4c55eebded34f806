package io.mysqlha.events.health;

/**
 * Galera status of a node. A node serves only when Synced ({@code localState} 4), in the primary component,
 * not desynced and not rejecting queries; {@code SELECT 1} answers even when it rejects table queries.
 */
public record GaleraState(int localState, String localStateComment, String clusterStatus, int clusterSize,
                          boolean desync, String rejectQueries, long localRecvQueue, boolean ready,
                          boolean connected, double flowControlPaused) {
    public static final int SYNCED = 4;
}
