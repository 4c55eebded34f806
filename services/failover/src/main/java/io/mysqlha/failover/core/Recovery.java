package io.mysqlha.failover.core;

/** What failover does about a problem. */
public enum Recovery {
    /** Elect a replica, fence the old primary, promote, re-point the others. */
    PROMOTE("promote"),
    /** An operator's planned primary change: waits for a recovery in flight, never for the block window. */
    SWITCHOVER("switchover"),
    /** Set read_only (and super_read_only) on a writable replica. */
    FENCE_REPLICA("fence-replica"),
    /** Fence the node, and make it a replica of the primary when it has nothing the primary lacks. */
    REJOIN("rejoin"),
    /** Nothing: an alert and the decision log say why. */
    NONE("none");

    private final String label;

    Recovery(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
