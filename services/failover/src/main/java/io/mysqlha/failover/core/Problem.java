package io.mysqlha.failover.core;

/**
 * The named problems of a replication cluster, after VTOrc's analysis codes (go/vt/vtorc/inst/analysis.go), so
 * operators who know VTOrc or Orchestrator read them without a glossary. What is done about each is decided
 * apart, by {@link RecoveryPlanner}.
 */
public enum Problem {
    /** Nothing to do. */
    NoProblem,
    /** The probes lost the primary and every reachable replica lost its replication connection to it. */
    DeadPrimary,
    /** As DeadPrimary, and some of the primary's replicas are unreachable too: the reachable ones decide. */
    DeadPrimaryAndSomeReplicas,
    /** The primary and every one of its replicas are unreachable: nothing to promote. */
    DeadPrimaryAndReplicas,
    /** The probes lost the primary but a replica still replicates from it: a network problem of the probe's. */
    UnreachablePrimary,
    /** The primary answers but is read-only: writes fail until an operator (or a switchover) acts. */
    PrimaryIsReadOnly,
    /** A replica accepts writes: anything written there is errant. */
    ReplicaIsWritable,
    /** A replica holds transactions the primary does not have. */
    ErrantGtidDetected,
    /** A replica's IO or SQL thread is stopped. */
    ReplicationStopped,
    /** The primary of an earlier epoch is back, read-only, replicating from nobody. */
    FormerPrimaryReturned,
    /** A replica replicates from nobody. */
    NotConnectedToPrimary,
    /** A replica replicates from a node that is not the primary. */
    ConnectedToWrongPrimary;

    /** The primary itself cannot be reached (whatever the replicas say). */
    public boolean primaryLost() {
        return this == DeadPrimary || this == DeadPrimaryAndSomeReplicas || this == DeadPrimaryAndReplicas
                || this == UnreachablePrimary;
    }

    /**
     * How loud the alert is for what failover sees and does not fix by itself; empty when failover recovers it,
     * or when topology already alerts on it (ReplicationStopped).
     */
    public java.util.Optional<io.mysqlha.events.Severity> alert() {
        return switch (this) {
            case UnreachablePrimary, DeadPrimaryAndReplicas -> java.util.Optional.of(io.mysqlha.events.Severity.CRITICAL);
            case ErrantGtidDetected, PrimaryIsReadOnly -> java.util.Optional.of(io.mysqlha.events.Severity.WARNING);
            default -> java.util.Optional.empty();
        };
    }
}
