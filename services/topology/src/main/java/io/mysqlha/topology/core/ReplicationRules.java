package io.mysqlha.topology.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.Severity;
import io.mysqlha.events.health.ReplicationChannel;
import io.mysqlha.events.health.ThreadState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Async and semi-sync GTID replication: one writer, replicas read unless broken or lagging. */
final class ReplicationRules {
    private ReplicationRules() {
    }

    static void derive(ClusterState s, Sets sets, List<AlertCondition> conditions) {
        RoutingPolicy policy = s.spec().routing();
        FailoverEpoch epoch = s.epoch();
        List<NodeSpec> writable = new ArrayList<>();
        List<NodeSpec> replicas = new ArrayList<>();
        for (NodeSpec n : Nodes.up(s, sets, conditions)) {
            boolean seenWritable = Boolean.FALSE.equals(s.track(n.id()).lastGood().readOnly());
            boolean designated = n.id().equals(epoch.writerNodeId());
            if (seenWritable == designated || !epoch.predates(s.track(n.id()).lastGood())) {
                (seenWritable ? writable : replicas).add(n); // what the probe saw stands
            } else if (designated) {
                // probed before its failover completed: the failover's last step made it writable
                writable.add(n);
            } else {
                // probed writable before the failover completed: fenced since, or the old primary; no second writer
                // until a probe of this epoch says so
                sets.offline.add(Nodes.place(n, "read_only=OFF when last probed, before epoch " + epoch.epoch()
                        + " made " + epoch.writerNodeId() + " the writer; not probed since"));
            }
        }
        NodeSpec writer = chooseReplicationWriter(s, writable);
        // the epoch's writer before any probe saw it writable (see above)
        boolean promoted = writer != null && !Boolean.FALSE.equals(s.track(writer.id()).lastGood().readOnly());
        for (NodeSpec n : writable) {
            if (n == writer) {
                sets.writers.add(Nodes.place(n, promoted
                        ? "writer of epoch " + epoch.epoch() + ", made writable by its failover; not probed since"
                        : epoch.writerNodeId() != null ? "read_only=OFF, writer of epoch " + epoch.epoch()
                        : "the only node with read_only=OFF"));
            } else {
                String why = epoch.writerNodeId() != null ? "read_only=OFF but epoch " + epoch.epoch()
                        + " made " + epoch.writerNodeId() + " the writer"
                        : writer != null ? "read_only=OFF but " + writer.id() + " is the writer"
                        : "read_only=OFF on more than one node: none is trusted with writes";
                sets.offline.add(Nodes.place(n, why));
                conditions.add(new AlertCondition("MultipleWritersDetected", Severity.CRITICAL, n.id(),
                        n.id() + " reports read_only=OFF; " + why));
            }
        }
        if (writer != null && !promoted && s.spec().kind() == ClusterKind.SEMI_SYNC) {
            var semi = s.track(writer.id()).lastGood().semiSync();
            if (semi != null && semi.masterEnabled() && !semi.masterStatus()) {
                conditions.add(new AlertCondition("SemiSyncDegraded", Severity.WARNING, writer.id(), writer.id()
                        + " has semi-sync enabled but is running asynchronously (no replica acknowledges)"));
            }
        }
        List<Placement> replicaReaders = new ArrayList<>();
        for (NodeSpec n : replicas) {
            NodeTrack t = s.track(n.id());
            Optional<String> broken = brokenReplication(t.lastGood().replication());
            long maxLag = maxLag(n, policy);
            if (broken.isPresent()) {
                sets.offline.add(Nodes.place(n, broken.get()));
                conditions.add(new AlertCondition("ReplicationStopped", Severity.CRITICAL, n.id(), n.id() + ": "
                        + broken.get()));
            } else if (t.lagShunned()) {
                String why = "lag " + t.lastGood().lagMillis() + " ms over max_replication_lag " + maxLag + " ms";
                sets.offline.add(Nodes.place(n, why));
                conditions.add(new AlertCondition("ReplicationLagHigh", Severity.WARNING, n.id(), n.id() + ": " + why));
            } else {
                replicaReaders.add(Nodes.place(n, "replica, lag " + Optional.ofNullable(t.lastGood().lagMillis())
                        .map(l -> l + " ms").orElse("unknown")));
            }
        }
        sets.readers.addAll(replicaReaders);
        if (writer != null) {
            int wiar = policy.writerIsAlsoReader();
            if (wiar == 1 || (wiar == 2 && replicaReaders.isEmpty())) {
                sets.readers.add(Nodes.place(writer, wiar == 1 ? "writer, writer_is_also_reader=1"
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
        Set<String> previous = Nodes.ids(s.previous().writers());
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
}
