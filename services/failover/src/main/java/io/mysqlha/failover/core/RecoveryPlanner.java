package io.mysqlha.failover.core;

/**
 * From problem to action, apart from the analysis (VTOrc's {@code getCheckAndRecoverFunction}): one switch, and
 * every "no recovery" says why.
 */
public final class RecoveryPlanner {
    private RecoveryPlanner() {
    }

    /** @param rejoin whether a returning or disconnected node is made a replica of the primary automatically */
    public static RecoveryPlan plan(Analysis a, boolean rejoin) {
        return switch (a.problem()) {
            case DeadPrimary, DeadPrimaryAndSomeReplicas ->
                    new RecoveryPlan(a, Recovery.PROMOTE, "the replicas agree the primary is gone");
            case ReplicaIsWritable -> new RecoveryPlan(a, Recovery.FENCE_REPLICA, "a writable replica invites errant"
                    + " transactions");
            case FormerPrimaryReturned, NotConnectedToPrimary, ConnectedToWrongPrimary -> rejoin
                    ? new RecoveryPlan(a, Recovery.REJOIN, "policy rejoin=true")
                    : new RecoveryPlan(a, Recovery.NONE, "policy rejoin=false: left read-only for an operator");
            case DeadPrimaryAndReplicas -> none(a, "no replica answers; promote one by hand once one is back");
            case UnreachablePrimary -> none(a, "a replica still replicates from it: failing over would make two"
                    + " primaries");
            case PrimaryIsReadOnly -> none(a, "read_only was set on purpose or by a fence; a switchover or an operator"
                    + " decides where writes go");
            case ErrantGtidDetected -> none(a, "the errant transactions need an operator (remove them, or rebuild the"
                    + " replica)");
            case ReplicationStopped -> none(a, "a stopped thread is an operator's or an error's; see the replica's"
                    + " last error");
            case NoProblem -> none(a, "nothing is wrong");
        };
    }

    private static RecoveryPlan none(Analysis a, String why) {
        return new RecoveryPlan(a, Recovery.NONE, why);
    }
}
