package io.mysqlha.events;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.GroupReplicationState;
import io.mysqlha.events.health.GtidState;
import io.mysqlha.events.health.LagSource;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ReplicationChannel;
import io.mysqlha.events.health.SemiSyncState;
import io.mysqlha.events.health.ThreadState;
import io.mysqlha.events.health.AuroraReplica;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One event of every type, with every field set, for round-trip tests. */
public final class SampleEvents {
    public static final Instant T0 = Instant.parse("2026-11-21T10:15:30.123456Z");

    private SampleEvents() {
    }

    public static EventHeader header(Class<? extends Event> type, String clusterId) {
        return new EventHeader("7d3c1e0a-0000-4000-8000-" + String.format("%012d", type.getSimpleName().length()),
                type.getSimpleName(), clusterId, T0, "test", "test-1", SchemaVersion.CURRENT.toString());
    }

    public static ClusterSpec spec(String clusterId) {
        return new ClusterSpec(clusterId, ClusterKind.SEMI_SYNC, List.of(
                new NodeSpec("node1", "127.0.0.1", 3307, "a", 1, false, null),
                new NodeSpec("node2", "127.0.0.1", 3308, "b", 2, false, 5000L),
                new NodeSpec("node3", "127.0.0.1", 3309, "b", 1, true, null)),
                null, null, List.of(new ListenerSpec("rw", null, 6033, ListenerRole.READ_WRITE, null),
                new ListenerSpec("ro", null, 6034, ListenerRole.READ_ONLY, 100)), null, null, List.of("a"));
    }

    public static List<Event> all(String c) {
        Map<String, Long> steps = new LinkedHashMap<>();
        steps.put("fence", 12L);
        steps.put("promote", 40L);
        var assigned = new TopologyChanged.AssignedNode("node1", "127.0.0.1", 3307, 1, "read_only=OFF, epoch 3");
        List<Event> events = List.of(
                new ClusterSpecDefined(header(ClusterSpecDefined.class, c), 4, spec(c)),
                new NodeHealthObserved(header(NodeHealthObserved.class, c), "node2", "127.0.0.1", 3308, true, null,
                        812, Flavour.MARIADB, "10.11.19-MariaDB", true, false, 3L,
                        new GtidState(null, null, "0-1-1042", "0-1-1042", "0-1-1042"),
                        new ReplicationChannel("127.0.0.1", 3307, ThreadState.RUNNING, ThreadState.RUNNING, 0, "", 0,
                                "", 0L, "0-1-1042", "0-1-1042", "Slave_Pos"),
                        new SemiSyncState(false, false, 0, 0, 0, true, true), 14L, LagSource.HEARTBEAT,
                        new GaleraState(4, "Synced", "Primary", 3, false, "NONE", 0, true, true, 0.0),
                        new GroupReplicationState("ONLINE", "SECONDARY", 2, true, true),
                        List.of(new AuroraReplica("db-1", "MASTER_SESSION_ID", 12.5, T0))),
                new NodeHealthObserved(header(NodeHealthObserved.class, c), "node1", "127.0.0.1", 3307, false,
                        new ProbeFailure(ProbeFailure.Reason.TIMEOUT, null, "no answer within 400 ms"), 400_000,
                        null, null, null, null, null, null, null, null, null, null, null, null, null),
                new TopologyChanged(header(TopologyChanged.class, c), 17, 3, List.of(assigned), List.of(assigned),
                        List.of(), List.of(new TopologyChanged.AssignedNode("node3", "127.0.0.1", 3309, 1,
                        "lag 12000 ms > max_replication_lag 10000 ms")), "node3 lagging"),
                new FailoverStarted(header(FailoverStarted.class, c), "f-1", FailoverKind.FAILOVER, "DeadPrimary",
                        "node1", "node2", 4, false),
                new FailoverStepCompleted(header(FailoverStepCompleted.class, c), "f-1", "fence", 12,
                        "node1 did not answer; fenced by epoch"),
                new FailoverCompleted(header(FailoverCompleted.class, c), "f-1", FailoverKind.FAILOVER, "node1",
                        "node2", 4, steps, 0, "", "0-1-1042"),
                new FailureAnalyzed(header(FailureAnalyzed.class, c), "DeadPrimary", "node1", "promote",
                        "node1 unreachable for 3 probes and every replica lost it", Map.of("node2", "io=CONNECTING")),
                new FailoverFailed(header(FailoverFailed.class, c), "f-2", FailoverKind.SWITCHOVER, "election",
                        "no replica holds every acknowledged transaction"),
                new SwitchoverRequested(header(SwitchoverRequested.class, c), "r-1", "node3", "alice"),
                new RecoveryBlockAcknowledged(header(RecoveryBlockAcknowledged.class, c), "r-2", "alice"),
                new BackupStarted(header(BackupStarted.class, c), "b-1", "node2", "mariadb-dump 10.11.19"),
                new BackupCompleted(header(BackupCompleted.class, c), "b-1", "node2", "0-1-1042", "mysql-bin.000003",
                        1234, 1 << 20, "ab".repeat(32), 5300, "local/2026-11-21T10-15-30Z-b-1"),
                new BackupFailed(header(BackupFailed.class, c), "b-2", "node3", "mariadb-dump exited with 2"),
                new BackupVerified(header(BackupVerified.class, c), "b-1", true, "1042 transactions, 12 tables", 9100),
                new BinlogSegmentArchived(header(BinlogSegmentArchived.class, c), "node1", "mysql-bin.000003",
                        "0-1-1000", "0-1-1042", T0, T0.plusSeconds(60), 4096, "cd".repeat(32)),
                new AlertRaised(header(AlertRaised.class, c), "a-1", "MultipleWritersDetected", Severity.CRITICAL,
                        "node3", "node3 reports read_only=OFF beside writer node1", Map.of("team", "db")),
                new AlertResolved(header(AlertResolved.class, c), "a-1", "MultipleWritersDetected", "node3",
                        "node3 is read-only again"));
        return events;
    }
}
