package io.mysqlha.topology.core;

import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.Severity;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.GroupReplicationState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds where several nodes could write (Galera, Group Replication, Aurora): max_writers of the candidates
 * write, the rest are backup writers, and writer_is_also_reader is ProxySQL's.
 */
final class MultiWriterRules {
    private MultiWriterRules() {
    }

    static void galera(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        RoutingPolicy policy = s.spec().routing();
        List<NodeSpec> candidates = new ArrayList<>();
        List<NodeSpec> readOnly = new ArrayList<>();
        for (NodeSpec n : Nodes.up(s, sets, conditions)) {
            NodeTrack t = s.track(n.id());
            GaleraState g = t.lastGood().galera();
            Optional<String> unfit = galeraUnfit(g);
            if (unfit.isPresent()) {
                sets.offline.add(Nodes.place(n, unfit.get()));
                if (g != null && !"Primary".equals(g.clusterStatus())) {
                    conditions.add(new AlertCondition("GaleraNotPrimary", Severity.CRITICAL, n.id(), n.id() + ": "
                            + unfit.get()));
                }
            } else if (Boolean.TRUE.equals(t.lastGood().readOnly())) {
                readOnly.add(n);
            } else {
                candidates.add(n);
            }
        }
        electWriters(s, candidates, sets, "Synced, in the primary component");
        galeraLikeReaders(s, policy, readOnly, sets, n -> s.track(n.id()).lastGood().galera().localRecvQueue(),
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

    /**
     * Group Replication: ONLINE PRIMARY members write, ONLINE SECONDARY ones read (shunned past the applier queue
     * limit). A switchover mysqlha asked of the group (its FailoverCompleted) outranks roles probed before it: the
     * group's new primary writes and the old one is left out until a probe of the new epoch says what they are.
     */
    static void groupReplication(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        List<NodeSpec> candidates = new ArrayList<>();
        List<NodeSpec> secondaries = new ArrayList<>();
        FailoverEpoch epoch = s.epoch();
        for (NodeSpec n : Nodes.up(s, sets, conditions)) {
            NodeTrack t = s.track(n.id());
            GroupReplicationState gr = t.lastGood().groupReplication();
            boolean primary = gr != null && "PRIMARY".equals(gr.memberRole());
            boolean designated = n.id().equals(epoch.writerNodeId());
            if (gr == null || !"ONLINE".equals(gr.memberState()) || !gr.viable()) {
                sets.offline.add(Nodes.place(n, gr == null ? "not a group member"
                        : "member " + gr.memberState() + (gr.viable() ? "" : ", without a majority")));
            } else if (primary != designated && epoch.predates(t.lastGood()) && (primary || designated)) {
                if (designated) {
                    candidates.add(n); // made the group's primary by the switchover of this epoch; not probed since
                } else {
                    sets.offline.add(Nodes.place(n, "PRIMARY when last probed, before epoch " + epoch.epoch()
                            + " made " + epoch.writerNodeId() + " the group's primary; not probed since"));
                }
            } else if (primary) {
                candidates.add(n);
            } else {
                secondaries.add(n);
            }
        }
        electWriters(s, candidates, sets, "ONLINE PRIMARY");
        galeraLikeReaders(s, s.spec().routing(), secondaries, sets,
                n -> s.track(n.id()).lastGood().groupReplication().transactionsBehind(), "applier queue");
    }

    static void aurora(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        Nodes.ByReadOnly split = Nodes.byReadOnly(s, Nodes.up(s, sets, conditions));
        List<NodeSpec> writable = split.writable();
        List<NodeSpec> replicas = split.readOnly();
        electWriters(s, writable, sets, "Aurora writer instance");
        long maxLag = s.spec().routing().maxReplicationLagMs();
        for (NodeSpec n : replicas) {
            NodeTrack t = s.track(n.id());
            if (t.lagShunned()) {
                sets.offline.add(Nodes.place(n, "lag " + t.lastGood().lagMillis() + " ms over " + maxLag + " ms"));
            } else {
                sets.readers.add(Nodes.place(n, "Aurora replica"));
            }
        }
        addWritersAsReaders(s.spec().routing(), sets);
    }

    /**
     * max_writers of the candidates write; the rest are backup writers. Stable: writers that still qualify
     * stay, then the heaviest, then by name.
     */
    private static void electWriters(ClusterState s, List<NodeSpec> candidates, Sets sets, String why) {
        Set<String> previous = Nodes.ids(s.previous().writers());
        List<NodeSpec> ordered = candidates.stream().sorted(Comparator
                .comparing((NodeSpec n) -> !previous.contains(n.id()))
                .thenComparing(NodeSpec::weight, Comparator.reverseOrder())
                .thenComparing(NodeSpec::id)).toList();
        int max = s.spec().routing().maxWriters();
        for (int i = 0; i < ordered.size(); i++) {
            NodeSpec n = ordered.get(i);
            if (i < max) {
                sets.writers.add(Nodes.place(n, why));
            } else {
                sets.backupWriters.add(Nodes.place(n, why + "; over max_writers " + max));
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
                sets.offline.add(Nodes.place(n, backlogName + " " + behind + " over max_transactions_behind " + max));
            } else {
                sets.readers.add(Nodes.place(n, "read-only member"));
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
}
