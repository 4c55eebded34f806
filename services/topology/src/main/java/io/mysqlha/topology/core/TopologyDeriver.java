package io.mysqlha.topology.core;

import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Severity;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.GroupReplicationState;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ReplicationChannel;
import io.mysqlha.events.health.ThreadState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writer/reader assignment with ProxySQL's hostgroup semantics. Pure: the same state always gives the same answer.
 * Every node lands in exactly one of writers, backup writers, offline, or none of them (a plain reader), and the
 * reason it sits there is written down.
 */
public final class TopologyDeriver {

    private TopologyDeriver() {
    }

    public static Derivation derive(ClusterState s) {
        List<AlertCondition> conditions = new ArrayList<>();
        if (probeSilent(s)) {
            // Fail static: when nothing at all is observed the observer is what failed, not every node at once.
            conditions.add(new AlertCondition("ProbeSilent", Severity.CRITICAL, null, "no observation of any node of "
                    + s.spec().clusterId() + " for a while: is the health probe running? Routing is kept as it was"));
            return new Derivation(s.previous(), conditions);
        }
        Sets sets = new Sets();
        switch (s.spec().kind()) {
            case ASYNC, SEMI_SYNC -> replication(s, sets, conditions);
            case GALERA -> galera(s, sets, conditions);
            case GROUP_REPLICATION -> groupReplication(s, sets, conditions);
            case AURORA -> aurora(s, sets, conditions);
        }
        if (sets.writers.isEmpty()) {
            conditions.add(new AlertCondition("ClusterHasNoWriter", Severity.CRITICAL, null,
                    s.spec().clusterId() + " has no writer: writes fail until one is back or promoted"));
        }
        return new Derivation(new Assignment(sets.writers, sets.readers, sets.backupWriters, sets.offline), conditions);
    }

    private static final class Sets {
        final List<Placement> writers = new ArrayList<>();
        final List<Placement> readers = new ArrayList<>();
        final List<Placement> backupWriters = new ArrayList<>();
        final List<Placement> offline = new ArrayList<>();
    }

    private static boolean probeSilent(ClusterState s) {
        return !s.spec().nodes().isEmpty() && s.spec().nodes().stream()
                .allMatch(n -> s.track(n.id()).observed() && s.track(n.id()).stale());
    }

    // ---- async and semi-sync replication ----

    private static void replication(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        RoutingPolicy policy = s.spec().routing();
        List<NodeSpec> writable = new ArrayList<>();
        List<NodeSpec> replicas = new ArrayList<>();
        for (NodeSpec n : s.spec().nodes()) {
            NodeTrack t = s.track(n.id());
            if (!t.up()) {
                sets.offline.add(place(n, downReason(t)));
                conditions.add(downCondition(n, t));
            } else if (Boolean.FALSE.equals(t.latest().readOnly())) {
                writable.add(n);
            } else {
                replicas.add(n);
            }
        }
        NodeSpec writer = chooseReplicationWriter(s, writable);
        for (NodeSpec n : writable) {
            if (n == writer) {
                sets.writers.add(place(n, s.epoch().writerNodeId() != null
                        ? "read_only=OFF, writer of epoch " + s.epoch().epoch() : "the only node with read_only=OFF"));
            } else {
                String why = s.epoch().writerNodeId() != null ? "read_only=OFF but epoch " + s.epoch().epoch()
                        + " made " + s.epoch().writerNodeId() + " the writer"
                        : writer != null ? "read_only=OFF but " + writer.id() + " is the writer"
                        : "read_only=OFF on more than one node: none is trusted with writes";
                sets.offline.add(place(n, why));
                conditions.add(new AlertCondition("MultipleWritersDetected", Severity.CRITICAL, n.id(),
                        n.id() + " reports read_only=OFF; " + why));
            }
        }
        if (writer != null && s.spec().kind() == io.mysqlha.domain.ClusterKind.SEMI_SYNC) {
            var semi = s.track(writer.id()).latest().semiSync();
            if (semi != null && semi.masterEnabled() && !semi.masterStatus()) {
                conditions.add(new AlertCondition("SemiSyncDegraded", Severity.WARNING, writer.id(), writer.id()
                        + " has semi-sync enabled but is running asynchronously (no replica acknowledges)"));
            }
        }
        List<Placement> replicaReaders = new ArrayList<>();
        for (NodeSpec n : replicas) {
            NodeTrack t = s.track(n.id());
            Optional<String> broken = brokenReplication(t.latest().replication());
            long maxLag = maxLag(n, policy);
            if (broken.isPresent()) {
                sets.offline.add(place(n, broken.get()));
                conditions.add(new AlertCondition("ReplicationStopped", Severity.CRITICAL, n.id(), n.id() + ": "
                        + broken.get()));
            } else if (t.lagShunned()) {
                String why = "lag " + t.latest().lagMillis() + " ms over max_replication_lag " + maxLag + " ms";
                sets.offline.add(place(n, why));
                conditions.add(new AlertCondition("ReplicationLagHigh", Severity.WARNING, n.id(), n.id() + ": " + why));
            } else {
                replicaReaders.add(place(n, "replica, lag " + Optional.ofNullable(t.latest().lagMillis())
                        .map(l -> l + " ms").orElse("unknown")));
            }
        }
        sets.readers.addAll(replicaReaders);
        if (writer != null) {
            int wiar = policy.writerIsAlsoReader();
            if (wiar == 1 || (wiar == 2 && replicaReaders.isEmpty())) {
                sets.readers.add(place(writer, wiar == 1 ? "writer, writer_is_also_reader=1"
                        : "writer, and no replica can read (writer_is_also_reader=2)"));
            }
        }
    }

    /**
     * After a failover, only the node its epoch designates. Before any, the single writable node; with several,
     * the previous writer if it still is one, else none: a guess here would route writes to the wrong primary.
     */
    private static NodeSpec chooseReplicationWriter(ClusterState s, List<NodeSpec> writable) {
        String designated = s.epoch().writerNodeId();
        if (designated != null) {
            return writable.stream().filter(n -> n.id().equals(designated)).findFirst().orElse(null);
        }
        if (writable.size() == 1) {
            return writable.getFirst();
        }
        Set<String> previous = ids(s.previous().writers());
        List<NodeSpec> kept = writable.stream().filter(n -> previous.contains(n.id())).toList();
        return kept.size() == 1 ? kept.getFirst() : null;
    }

    private static Optional<String> brokenReplication(ReplicationChannel c) {
        if (c == null) {
            return Optional.of("read_only=ON but replicating from nobody");
        }
        if (c.sqlThread() == ThreadState.STOPPED) {
            return Optional.of("replication stopped: SQL thread not running"
                    + (c.lastSqlError() == null ? "" : " (" + c.lastSqlErrno() + ": " + c.lastSqlError() + ")"));
        }
        if (c.ioThread() == ThreadState.STOPPED) {
            return Optional.of("replication stopped: IO thread not running"
                    + (c.lastIoError() == null ? "" : " (" + c.lastIoErrno() + ": " + c.lastIoError() + ")"));
        }
        return Optional.empty();
    }

    private static long maxLag(NodeSpec n, RoutingPolicy p) {
        return n.maxReplicationLagMs() != null ? n.maxReplicationLagMs() : p.maxReplicationLagMs();
    }

    // ---- Galera ----

    private static void galera(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        RoutingPolicy policy = s.spec().routing();
        List<NodeSpec> candidates = new ArrayList<>();
        List<NodeSpec> readOnly = new ArrayList<>();
        for (NodeSpec n : s.spec().nodes()) {
            NodeTrack t = s.track(n.id());
            if (!t.up()) {
                sets.offline.add(place(n, downReason(t)));
                conditions.add(downCondition(n, t));
                continue;
            }
            GaleraState g = t.latest().galera();
            Optional<String> unfit = galeraUnfit(g);
            if (unfit.isPresent()) {
                sets.offline.add(place(n, unfit.get()));
                if (g != null && !"Primary".equals(g.clusterStatus())) {
                    conditions.add(new AlertCondition("GaleraNotPrimary", Severity.CRITICAL, n.id(), n.id() + ": "
                            + unfit.get()));
                }
            } else if (Boolean.TRUE.equals(t.latest().readOnly())) {
                readOnly.add(n);
            } else {
                candidates.add(n);
            }
        }
        electWriters(s, candidates, sets, "Synced, in the primary component");
        galeraLikeReaders(s, policy, readOnly, sets, n -> s.track(n.id()).latest().galera().localRecvQueue(),
                "wsrep_local_recv_queue");
    }

    private static Optional<String> galeraUnfit(GaleraState g) {
        if (g == null) {
            return Optional.of("not a Galera node (wsrep off)");
        }
        if (!"Primary".equals(g.clusterStatus())) {
            return Optional.of("outside the primary component (" + g.clusterStatus() + ")");
        }
        if (g.desync()) {
            return Optional.of("desynced (wsrep_desync=ON)");
        }
        if (g.rejectQueries() != null && !"NONE".equalsIgnoreCase(g.rejectQueries())) {
            return Optional.of("rejecting queries (wsrep_reject_queries=" + g.rejectQueries() + ")");
        }
        if (g.localState() != GaleraState.SYNCED) {
            return Optional.of("not Synced (wsrep_local_state " + g.localState() + " " + g.localStateComment() + ")");
        }
        return Optional.empty();
    }

    // ---- Group Replication ----

    private static void groupReplication(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        List<NodeSpec> candidates = new ArrayList<>();
        List<NodeSpec> secondaries = new ArrayList<>();
        for (NodeSpec n : s.spec().nodes()) {
            NodeTrack t = s.track(n.id());
            if (!t.up()) {
                sets.offline.add(place(n, downReason(t)));
                conditions.add(downCondition(n, t));
                continue;
            }
            GroupReplicationState gr = t.latest().groupReplication();
            if (gr == null || !"ONLINE".equals(gr.memberState()) || !gr.viable()) {
                sets.offline.add(place(n, gr == null ? "not a group member"
                        : "member " + gr.memberState() + (gr.viable() ? "" : ", without a majority")));
            } else if ("PRIMARY".equals(gr.memberRole())) {
                candidates.add(n);
            } else {
                secondaries.add(n);
            }
        }
        electWriters(s, candidates, sets, "ONLINE PRIMARY");
        galeraLikeReaders(s, s.spec().routing(), secondaries, sets,
                n -> s.track(n.id()).latest().groupReplication().transactionsBehind(), "applier queue");
    }

    // ---- Aurora ----

    private static void aurora(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        List<NodeSpec> writable = new ArrayList<>();
        List<NodeSpec> replicas = new ArrayList<>();
        for (NodeSpec n : s.spec().nodes()) {
            NodeTrack t = s.track(n.id());
            if (!t.up()) {
                sets.offline.add(place(n, downReason(t)));
                conditions.add(downCondition(n, t));
            } else if (Boolean.FALSE.equals(t.latest().readOnly())) {
                writable.add(n);
            } else {
                replicas.add(n);
            }
        }
        electWriters(s, writable, sets, "Aurora writer instance");
        long maxLag = s.spec().routing().maxReplicationLagMs();
        for (NodeSpec n : replicas) {
            NodeTrack t = s.track(n.id());
            if (t.lagShunned()) {
                sets.offline.add(place(n, "lag " + t.latest().lagMillis() + " ms over " + maxLag + " ms"));
            } else {
                sets.readers.add(place(n, "Aurora replica"));
            }
        }
        addWritersAsReaders(s.spec().routing(), sets);
    }

    // ---- shared by the kinds with several possible writers ----

    /**
     * max_writers of the candidates write; the rest are backup writers. Stable: writers that still qualify
     * stay, then the heaviest, then by name.
     */
    private static void electWriters(ClusterState s, List<NodeSpec> candidates, Sets sets, String why) {
        Set<String> previous = ids(s.previous().writers());
        List<NodeSpec> ordered = candidates.stream().sorted(Comparator
                .comparing((NodeSpec n) -> !previous.contains(n.id()))
                .thenComparing(NodeSpec::weight, Comparator.reverseOrder())
                .thenComparing(NodeSpec::id)).toList();
        int max = s.spec().routing().maxWriters();
        for (int i = 0; i < ordered.size(); i++) {
            NodeSpec n = ordered.get(i);
            if (i < max) {
                sets.writers.add(place(n, why));
            } else {
                sets.backupWriters.add(place(n, why + "; over max_writers " + max));
            }
        }
    }

    private interface Backlog {
        long of(NodeSpec n);
    }

    private static void galeraLikeReaders(ClusterState s, RoutingPolicy policy, List<NodeSpec> readOnly, Sets sets,
                                          Backlog backlog, String backlogName) {
        long max = policy.maxTransactionsBehind();
        for (NodeSpec n : readOnly) {
            long behind = backlog.of(n);
            if (max > 0 && behind > max) {
                sets.offline.add(place(n, backlogName + " " + behind + " over max_transactions_behind " + max));
            } else {
                sets.readers.add(place(n, "read-only member"));
            }
        }
        int wiar = policy.writerIsAlsoReader();
        List<Placement> extra = new ArrayList<>();
        if (wiar == 1) {
            extra.addAll(sets.writers);
        }
        if (wiar == 1 || wiar == 2) {
            extra.addAll(sets.backupWriters);
        }
        for (Placement p : extra) {
            NodeSpec n = s.spec().node(p.nodeId()).orElseThrow();
            long behind = backlog.of(n);
            if (max == 0 || behind <= max) {
                sets.readers.add(new Placement(p.nodeId(), p.host(), p.port(), p.weight(),
                        p.reason() + "; also a reader (writer_is_also_reader=" + wiar + ")"));
            }
        }
    }

    private static void addWritersAsReaders(RoutingPolicy policy, Sets sets) {
        if (policy.writerIsAlsoReader() == 1 || (policy.writerIsAlsoReader() == 2 && sets.readers.isEmpty())) {
            for (Placement w : List.copyOf(sets.writers)) {
                sets.readers.add(new Placement(w.nodeId(), w.host(), w.port(), w.weight(), w.reason()
                        + "; also a reader"));
            }
        }
    }

    // ---- shared ----

    private static String downReason(NodeTrack t) {
        if (!t.observed()) {
            return "never observed yet";
        }
        if (t.stale()) {
            return "no observation since " + t.lastObservedAt();
        }
        NodeHealthObserved o = t.latest();
        if (o.reachable()) {
            return "recovering: " + t.goodStreak() + " good observation(s) so far";
        }
        return "unreachable: " + o.failure().reason() + " (" + o.failure().message() + ")";
    }

    private static AlertCondition downCondition(NodeSpec n, NodeTrack t) {
        NodeHealthObserved o = t.latest();
        if (o != null && !o.reachable() && o.failure().reason() == ProbeFailure.Reason.AUTH_FAILURE && !t.stale()) {
            return new AlertCondition("NodeUnreachableAuth", Severity.WARNING, n.id(), n.id()
                    + " answers but refuses the monitor user's credentials: " + o.failure().message());
        }
        return new AlertCondition("NodeDown", Severity.CRITICAL, n.id(), n.id() + " " + downReason(t));
    }

    private static Placement place(NodeSpec n, String reason) {
        return new Placement(n.id(), n.host(), n.port(), n.weight(), reason);
    }

    private static Set<String> ids(List<Placement> ps) {
        Set<String> ids = new LinkedHashSet<>();
        ps.forEach(p -> ids.add(p.nodeId()));
        return ids;
    }
}
