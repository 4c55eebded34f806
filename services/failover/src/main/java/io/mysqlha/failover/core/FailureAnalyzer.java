package io.mysqlha.failover.core;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.GtidParseException;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ThreadState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names what is wrong with a replication cluster (VTOrc's shape: each problem a predicate over one flat snapshot).
 * Pure: no clock but the snapshot's, no I/O. The primary's problems come first; with a primary lost, the replicas'
 * own problems are not looked at (they are the failover's to fix).
 */
public final class FailureAnalyzer {
    private FailureAnalyzer() {
    }

    public static List<Analysis> analyze(ClusterSnapshot s) {
        Map<String, String> inputs = inputs(s);
        Optional<NodeView> primary = s.primary();
        if (primary.isEmpty()) {
            return List.of(); // no primary known yet (no topology, no writable node): nothing to compare with
        }
        NodeView p = primary.get();
        if (lost(p, s.downAfter())) {
            return List.of(primaryLost(s, p, inputs));
        }
        List<Analysis> found = new ArrayList<>();
        if (p.reachable() && s.current(p) && Boolean.TRUE.equals(p.latest().readOnly())) {
            found.add(new Analysis(Problem.PrimaryIsReadOnly, p.id(), p.id() + " is the primary of epoch " + s.epoch()
                    + " but read_only=ON: writes fail", inputs));
        }
        for (NodeView n : s.others()) {
            replicaProblem(s, p, n, inputs).ifPresent(found::add);
        }
        return found;
    }

    /**
     * Lost: the latest observations failed {@code downAfter} times in a row, for a reason that can mean the server
     * is gone. A node that refuses our credentials or has no free connection is alive.
     */
    static boolean lost(NodeView n, int downAfter) {
        if (n.latest() == null || n.reachable() || n.failuresInARow() < downAfter) {
            return false;
        }
        ProbeFailure f = n.latest().failure();
        return f == null || (f.reason() != ProbeFailure.Reason.AUTH_FAILURE
                && f.reason() != ProbeFailure.Reason.TOO_MANY_CONNECTIONS);
    }

    private static Analysis primaryLost(ClusterSnapshot s, NodeView p, Map<String, String> inputs) {
        List<NodeView> replicas = s.others().stream().filter(n -> n.replicatesFrom(p.spec())).toList();
        List<NodeView> reachable = replicas.stream().filter(NodeView::reachable).toList();
        String lost = p.id() + " unreachable in " + p.failuresInARow() + " probes in a row";
        if (reachable.isEmpty()) {
            return new Analysis(Problem.DeadPrimaryAndReplicas, p.id(), lost + ", and none of its " + replicas.size()
                    + " replica(s) answers: nothing to promote", inputs);
        }
        List<String> stillConnected = reachable.stream()
                .filter(n -> n.latest().replication() != null
                        && n.latest().replication().ioThread() == ThreadState.RUNNING)
                .map(NodeView::id).toList();
        if (!stillConnected.isEmpty()) {
            return new Analysis(Problem.UnreachablePrimary, p.id(), lost + ", but " + String.join(", ", stillConnected)
                    + " still replicate(s) from it: the primary is alive, the probe cannot reach it", inputs);
        }
        String agree = "every reachable replica (" + String.join(", ", reachable.stream().map(NodeView::id).toList())
                + ") lost its replication connection to it";
        if (reachable.size() < replicas.size()) {
            return new Analysis(Problem.DeadPrimaryAndSomeReplicas, p.id(), lost + "; " + agree + "; "
                    + (replicas.size() - reachable.size()) + " replica(s) unreachable too", inputs);
        }
        return new Analysis(Problem.DeadPrimary, p.id(), lost + "; " + agree, inputs);
    }

    private static Optional<Analysis> replicaProblem(ClusterSnapshot s, NodeView p, NodeView n,
                                                     Map<String, String> inputs) {
        if (!n.reachable() || !s.current(n)) {
            // unreachable: topology takes it out of rotation; observed before this epoch: what it is now is unknown
            return Optional.empty();
        }
        NodeHealthObserved o = n.latest();
        if (Boolean.FALSE.equals(o.readOnly())) {
            return Optional.of(new Analysis(Problem.ReplicaIsWritable, n.id(), n.id() + " has read_only=OFF but "
                    + p.id() + " is the primary of epoch " + s.epoch(), inputs));
        }
        if (o.replication() == null) {
            boolean former = n.id().equals(s.formerPrimary());
            return Optional.of(new Analysis(former ? Problem.FormerPrimaryReturned : Problem.NotConnectedToPrimary,
                    n.id(), n.id() + (former ? ", the primary before epoch " + s.epoch() + ", is back" : "")
                    + " read-only and replicating from nobody", inputs));
        }
        if (o.replication().ioThread() == ThreadState.STOPPED || o.replication().sqlThread() == ThreadState.STOPPED) {
            return Optional.of(new Analysis(Problem.ReplicationStopped, n.id(), n.id() + ": IO thread "
                    + o.replication().ioThread() + ", SQL thread " + o.replication().sqlThread()
                    + errors(o), inputs));
        }
        if (!n.replicatesFrom(p.spec())) {
            return Optional.of(new Analysis(Problem.ConnectedToWrongPrimary, n.id(), n.id() + " replicates from "
                    + o.replication().sourceHost() + ":" + o.replication().sourcePort() + ", not from the primary "
                    + p.id() + " (" + p.spec().address() + ")", inputs));
        }
        return errant(p, n).map(extra -> new Analysis(Problem.ErrantGtidDetected, n.id(), n.id() + " has "
                + extra + " that the primary " + p.id() + " does not have", inputs));
    }

    /**
     * Transactions the replica has and the primary had not, judged only from a primary observation begun after the
     * replica's ended (an earlier one legitimately lacks what the replica received since; an observation is stamped
     * when it ends, its GTIDs were read up to its round trip before).
     */
    static Optional<String> errant(NodeView p, NodeView n) {
        NodeHealthObserved po = p.lastGood();
        NodeHealthObserved ro = n.latest();
        if (po == null || ro.flavour() == null || po.flavour() != ro.flavour()
                || !po.header().time().minusNanos(po.rttMicros() * 1000).isAfter(ro.header().time())) {
            return Optional.empty();
        }
        try {
            Optional<GtidPosition> mine = ownTransactions(ro);
            Optional<GtidPosition> theirs = ownTransactions(po);
            if (mine.isEmpty() || theirs.isEmpty()) {
                return Optional.empty();
            }
            long extra = mine.get().transactionsNotIn(theirs.get());
            return extra == 0 ? Optional.empty() : Optional.of(extra + " transaction(s) (" + mine.get() + " vs "
                    + theirs.get() + ")");
        } catch (GtidParseException e) {
            return Optional.empty();
        }
    }

    /** What a node wrote to its own binlog (MariaDB gtid_binlog_pos) or executed (MySQL gtid_executed). */
    public static Optional<GtidPosition> ownTransactions(NodeHealthObserved o) {
        if (o == null || o.gtid() == null || o.flavour() == null) {
            return Optional.empty();
        }
        String text = o.flavour() == Flavour.MARIADB ? o.gtid().binlogPos() : o.gtid().executed();
        return text == null ? Optional.empty() : Optional.of(GtidPosition.parse(o.flavour(), text));
    }

    private static String errors(NodeHealthObserved o) {
        var r = o.replication();
        StringBuilder sb = new StringBuilder();
        if (r.lastIoError() != null && !r.lastIoError().isEmpty()) {
            sb.append(" (IO ").append(r.lastIoErrno()).append(": ").append(r.lastIoError()).append(')');
        }
        if (r.lastSqlError() != null && !r.lastSqlError().isEmpty()) {
            sb.append(" (SQL ").append(r.lastSqlErrno()).append(": ").append(r.lastSqlError()).append(')');
        }
        return sb.toString();
    }

    private static Map<String, String> inputs(ClusterSnapshot s) {
        Map<String, String> in = new LinkedHashMap<>();
        for (NodeSpec spec : s.spec().nodes()) {
            NodeView v = s.nodes().get(spec.id());
            in.put(spec.id(), (spec.id().equals(s.primaryId()) ? "primary, " : "") + (v == null ? "never observed"
                    : v.describe()));
        }
        return in;
    }
}
