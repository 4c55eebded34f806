package io.mysqlha.topology.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.ProbeFailure.Reason;
import io.mysqlha.events.health.ThreadState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mysqlha.topology.core.Observations.T0;
import static io.mysqlha.topology.core.Observations.down;
import static io.mysqlha.topology.core.Observations.galera;
import static io.mysqlha.topology.core.Observations.member;
import static io.mysqlha.topology.core.Observations.primary;
import static io.mysqlha.topology.core.Observations.primaryDegraded;
import static io.mysqlha.topology.core.Observations.replica;
import static io.mysqlha.topology.core.Observations.synced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyDeriverTest {
    private static final Hysteresis H = new Hysteresis(2, 2, Duration.ofMillis(1500));

    private static NodeSpec node(String id, int weight) {
        return new NodeSpec(id, id + ".db", 3306, null, weight, null, null);
    }

    private static ClusterSpec spec(ClusterKind kind, RoutingPolicy routing, NodeSpec... nodes) {
        return new ClusterSpec("c1", kind, List.of(nodes), routing, null, null, null, null, null);
    }

    private static RoutingPolicy policy(int maxWriters, int wiar, long maxBehind, long maxLag) {
        return new RoutingPolicy(maxWriters, wiar, maxBehind, maxLag, null);
    }

    /** Tracks as after one observation per node. */
    private static Map<String, NodeTrack> tracks(ClusterSpec spec, NodeHealthObserved... observations) {
        Map<String, NodeTrack> tracks = new HashMap<>();
        for (NodeHealthObserved o : observations) {
            long maxLag = spec.node(o.nodeId()).map(n -> n.maxReplicationLagMs() != null ? n.maxReplicationLagMs()
                    : spec.routing().maxReplicationLagMs()).orElse(0L);
            tracks.merge(o.nodeId(), NodeTrack.unseen(o.nodeId()).observe(o, H, maxLag), (a, b) -> a.observe(o, H, maxLag));
        }
        return tracks;
    }

    private static Derivation derive(ClusterSpec spec, FailoverEpoch epoch, Assignment previous,
                                     NodeHealthObserved... observations) {
        return TopologyDeriver.derive(new ClusterState(spec, tracks(spec, observations), epoch, previous));
    }

    private static List<String> ids(List<Placement> ps) {
        return ps.stream().map(Placement::nodeId).sorted().toList();
    }

    private static List<String> alerts(Derivation d) {
        return d.conditions().stream().map(AlertCondition::key).sorted().toList();
    }

    private static String reason(List<Placement> ps, String id) {
        return ps.stream().filter(p -> p.nodeId().equals(id)).findFirst().orElseThrow().reason();
    }

    @Nested
    class AsyncAndSemiSync {
        final ClusterSpec spec = spec(ClusterKind.SEMI_SYNC, policy(1, 1, 0, 10_000), node("n1", 1), node("n2", 1),
                node("n3", 1));

        @Test
        void shouldMakeTheOnlyWritableNodeTheWriterAndReplicasReaders() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY,
                    primary("n1", 0), replica("n2", 0, 10), replica("n3", 0, 20));
            assertEquals(List.of("n1"), ids(d.assignment().writers()));
            assertEquals(List.of("n1", "n2", "n3"), ids(d.assignment().readers()), "writer_is_also_reader=1");
            assertEquals(List.of(), ids(d.assignment().offline()));
            assertEquals(List.of(), alerts(d));
            assertEquals("the only node with read_only=OFF", reason(d.assignment().writers(), "n1"));
        }

        @Test
        void shouldApplyWriterIsAlsoReader() {
            var zero = spec(ClusterKind.ASYNC, policy(1, 0, 0, 10_000), node("n1", 1), node("n2", 1));
            assertEquals(List.of("n2"), ids(derive(zero, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, 0)).assignment().readers()));
            var two = spec(ClusterKind.ASYNC, policy(1, 2, 0, 10_000), node("n1", 1), node("n2", 1));
            assertEquals(List.of("n2"), ids(derive(two, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, 0)).assignment().readers()), "2: a replica can read, the writer does not");
            assertEquals(List.of("n1"), ids(derive(two, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, ThreadState.RUNNING, ThreadState.STOPPED, null)).assignment().readers()),
                    "2: no replica can read, so the writer does");
        }

        @Test
        void shouldTakeASecondWritableNodeOfflineAndRaiseMultipleWriters() {
            Assignment previous = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, 0), replica("n3", 0, 0)).assignment();
            Derivation d = derive(spec, FailoverEpoch.NONE, previous, primary("n1", 0), primary("n2", 0),
                    replica("n3", 0, 0));
            assertEquals(List.of("n1"), ids(d.assignment().writers()), "the writer stays");
            assertEquals(List.of("n2"), ids(d.assignment().offline()));
            assertEquals(List.of("MultipleWritersDetected/n2"), alerts(d));
        }

        @Test
        void shouldTrustNoWriterWhenTwoAreWritableWithNothingToTellThemApart() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0), primary("n2", 0),
                    replica("n3", 0, 0));
            assertEquals(List.of(), ids(d.assignment().writers()));
            assertEquals(List.of("ClusterHasNoWriter/-", "MultipleWritersDetected/n1", "MultipleWritersDetected/n2"),
                    alerts(d));
        }

        @Test
        void shouldFollowTheLatestFailoverEpoch() {
            Derivation d = derive(spec, new FailoverEpoch(4, "n2"), Assignment.EMPTY, primary("n1", 0),
                    primary("n2", 0), replica("n3", 0, 0));
            assertEquals(List.of("n2"), ids(d.assignment().writers()));
            assertEquals("read_only=OFF, writer of epoch 4", reason(d.assignment().writers(), "n2"));
            assertEquals(List.of("n1"), ids(d.assignment().offline()), "the old primary came back writable");
            assertTrue(reason(d.assignment().offline(), "n1").contains("epoch 4 made n2 the writer"));
        }

        @Test
        void shouldRouteWritesToTheNewPrimaryOnceItsFailoverCompletedBeforeAnyProbeSaysSo() {
            FailoverEpoch completed = new FailoverEpoch(4, "n2", T0.plusMillis(300));
            Derivation d = derive(spec, completed, Assignment.EMPTY, primary("n1", 0), replica("n2", 0, 0),
                    replica("n3", 0, 0));
            assertEquals(List.of("n2"), ids(d.assignment().writers()));
            assertEquals("writer of epoch 4, made writable by its failover; not probed since",
                    reason(d.assignment().writers(), "n2"));
            assertEquals(List.of("n1"), ids(d.assignment().offline()), "the old primary, fenced since its last probe");
            assertTrue(reason(d.assignment().offline(), "n1").contains("before epoch 4 made n2 the writer"));
            assertEquals(List.of(), alerts(d), "a node seen writable before the failover is no second writer");
        }

        @Test
        void shouldBelieveTheProbesAgainOnceTheyAreNewerThanTheFailover() {
            FailoverEpoch completed = new FailoverEpoch(4, "n2", T0.plusMillis(300));
            Derivation d = derive(spec, completed, Assignment.EMPTY, primary("n1", 500), replica("n2", 500, 0),
                    replica("n3", 500, 0));
            assertEquals(List.of(), ids(d.assignment().writers()), "n2 read-only after its promotion: no writer");
            assertTrue(alerts(d).containsAll(List.of("ClusterHasNoWriter/-", "MultipleWritersDetected/n1")),
                    alerts(d).toString());
        }

        @Test
        void shouldHaveNoWriterWhenTheEpochsWriterIsNotWritable() {
            Derivation d = derive(spec, new FailoverEpoch(4, "n2"), Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, 0), replica("n3", 0, 0));
            assertEquals(List.of(), ids(d.assignment().writers()));
            assertTrue(alerts(d).contains("ClusterHasNoWriter/-"));
        }

        @Test
        void shouldTakeBrokenReplicationOutOfTheReaders() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, ThreadState.RUNNING, ThreadState.STOPPED, null),
                    replica("n3", 0, ThreadState.STOPPED, ThreadState.RUNNING, 0L));
            assertEquals(List.of("n1"), ids(d.assignment().readers()));
            assertEquals(List.of("n2", "n3"), ids(d.assignment().offline()));
            assertTrue(reason(d.assignment().offline(), "n2").contains("SQL thread not running (1062: Duplicate entry)"));
            assertTrue(reason(d.assignment().offline(), "n3").contains("IO thread not running"));
            assertEquals(List.of("ReplicationStopped/n2", "ReplicationStopped/n3"), alerts(d));
        }

        @Test
        void shouldKeepAReplicaWhoseIoThreadIsReconnecting() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, ThreadState.CONNECTING, ThreadState.RUNNING, 100L), replica("n3", 0, 0));
            assertEquals(List.of("n1", "n2", "n3"), ids(d.assignment().readers()), "its lag decides, as it grows");
        }

        @Test
        void shouldShunALaggingReplicaWithThePerNodeLimitFirst() {
            var strict = spec(ClusterKind.SEMI_SYNC, policy(1, 0, 0, 10_000), node("n1", 1),
                    new NodeSpec("n2", "n2.db", 3306, null, 1, null, 500L), node("n3", 1));
            Derivation d = derive(strict, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, 800), replica("n3", 0, 800));
            assertEquals(List.of("n3"), ids(d.assignment().readers()));
            assertEquals("lag 800 ms over max_replication_lag 500 ms", reason(d.assignment().offline(), "n2"));
            assertEquals(List.of("ReplicationLagHigh/n2"), alerts(d));
        }

        @Test
        void shouldTellADownNodeFromOneThatRefusesTheMonitorUser() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    down("n2", 0, Reason.TIMEOUT), down("n3", 0, Reason.AUTH_FAILURE));
            assertEquals(List.of("n2", "n3"), ids(d.assignment().offline()));
            assertEquals(List.of("NodeDown/n2", "NodeUnreachableAuth/n3"), alerts(d));
            assertTrue(reason(d.assignment().offline(), "n2").startsWith("unreachable: TIMEOUT"));
        }

        @Test
        void shouldRaiseSemiSyncDegradedWhenThePrimaryFellBackToAsync() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primaryDegraded("n1", 0),
                    replica("n2", 0, 0), replica("n3", 0, 0));
            assertEquals(List.of("SemiSyncDegraded/n1"), alerts(d));
            var async = spec(ClusterKind.ASYNC, policy(1, 1, 0, 0), node("n1", 1));
            assertEquals(List.of(), alerts(derive(async, FailoverEpoch.NONE, Assignment.EMPTY, primaryDegraded("n1", 0))));
        }

        @Test
        void shouldKeepAReplicaInItsRoleAfterOneFailedProbeUntilDownAfter() {
            Derivation once = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0), replica("n2", 0, 0),
                    replica("n3", 0, 0), down("n2", 500, Reason.TIMEOUT), down("n1", 500, Reason.TIMEOUT));
            assertEquals(List.of("n1"), ids(once.assignment().writers()), "one failed probe of the writer");
            assertEquals(List.of("n1", "n2", "n3"), ids(once.assignment().readers()), "one failed probe of n2");
            assertEquals(List.of(), alerts(once));

            Derivation twice = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0), replica("n2", 0, 0),
                    replica("n3", 0, 0), down("n2", 500, Reason.TIMEOUT), down("n2", 1000, Reason.TIMEOUT));
            assertEquals(List.of("n2"), ids(twice.assignment().offline()));
            assertTrue(reason(twice.assignment().offline(), "n2").contains("TIMEOUT"));
        }

        @Test
        void shouldTreatAClusterNoProbeEverReportedAsProbeSilentNotAsDeadNodes() {
            Derivation d = TopologyDeriver.derive(new ClusterState(spec, Map.of(), FailoverEpoch.NONE, Assignment.EMPTY));
            assertEquals(List.of("ProbeSilent/-"), alerts(d));
            assertSame(Assignment.EMPTY, d.assignment());
        }

        @Test
        void shouldKeepRoutingAsItWasWhenTheProbeFallsSilent() {
            Assignment previous = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY, primary("n1", 0),
                    replica("n2", 0, 0), replica("n3", 0, 0)).assignment();
            Map<String, NodeTrack> stale = new HashMap<>();
            tracks(spec, primary("n1", 0), replica("n2", 0, 0), replica("n3", 0, 0))
                    .forEach((id, t) -> stale.put(id, t.tick(T0.plusSeconds(10), H)));
            Derivation d = TopologyDeriver.derive(new ClusterState(spec, stale, FailoverEpoch.NONE, previous));
            assertSame(previous, d.assignment());
            assertEquals(List.of("ProbeSilent/-"), alerts(d));
        }

        @Test
        void shouldTakeOnlyTheStaleNodeOfflineWhenOthersAreStillObserved() {
            Map<String, NodeTrack> t = new HashMap<>(tracks(spec, primary("n1", 0), replica("n2", 0, 0),
                    replica("n3", 0, 0)));
            t.put("n3", t.get("n3").tick(T0.plusSeconds(10), H));
            Derivation d = TopologyDeriver.derive(new ClusterState(spec, t, FailoverEpoch.NONE, Assignment.EMPTY));
            assertEquals(List.of("n3"), ids(d.assignment().offline()));
            assertTrue(reason(d.assignment().offline(), "n3").startsWith("no observation since"));
        }
    }

    @Nested
    class Galera {
        // seed 002: writer_hostgroup 2, backup 4, reader 3, max_writers=1, writer_is_also_reader=0,
        // max_transactions_behind=100; .112 (weight 100) and .113 (weight 10) read_only=0, .114 read_only=1.
        final ClusterSpec seed = spec(ClusterKind.GALERA, policy(1, 0, 100, 0), node("n112", 100), node("n113", 10),
                node("n114", 100));

        private Derivation seedCluster(int wiar, Assignment previous) {
            var s = spec(ClusterKind.GALERA, policy(1, wiar, 100, 0), seed.nodes().toArray(NodeSpec[]::new));
            return derive(s, FailoverEpoch.NONE, previous, galera("n112", 0, false, synced(0)),
                    galera("n113", 0, false, synced(0)), galera("n114", 0, true, synced(0)));
        }

        @Test
        void shouldMoveTheSecondWriterToBackupWritersAsSeed002Shows() {
            Derivation d = seedCluster(0, Assignment.EMPTY);
            assertEquals(List.of("n112"), ids(d.assignment().writers()));
            assertEquals(List.of("n113"), ids(d.assignment().backupWriters()));
            assertEquals(List.of("n114"), ids(d.assignment().readers()));
            assertEquals(List.of(), alerts(d));
        }

        @Test
        void shouldKeepAGaleraNodeInRotationAfterOneFailedProbe() {
            Derivation d = derive(seed, FailoverEpoch.NONE, Assignment.EMPTY, galera("n112", 0, false, synced(0)),
                    galera("n113", 0, false, synced(0)), galera("n114", 0, true, synced(0)),
                    down("n113", 500, Reason.TIMEOUT));
            assertEquals(List.of("n113"), ids(d.assignment().backupWriters()));
            assertEquals(List.of(), ids(d.assignment().offline()));
        }

        @Test
        void shouldApplyWriterIsAlsoReaderAsProxySqlDefinesIt() {
            assertEquals(List.of("n112", "n113", "n114"), ids(seedCluster(1, Assignment.EMPTY).assignment().readers()));
            assertEquals(List.of("n113", "n114"), ids(seedCluster(2, Assignment.EMPTY).assignment().readers()),
                    "2: backup writers read, the writer does not");
        }

        @Test
        void shouldKeepTheCurrentWriterWhileItIsHealthy() {
            Assignment previous = new Assignment(List.of(new Placement("n113", "n113.db", 3306, 10, "w")), List.of(),
                    List.of(), List.of());
            assertEquals(List.of("n113"), ids(seedCluster(0, previous).assignment().writers()));
        }

        @Test
        void shouldTakeNodesThatCannotServeOutOfRotationSayingWhy() {
            Derivation d = derive(seed, FailoverEpoch.NONE, Assignment.EMPTY,
                    galera("n112", 0, false, new GaleraState(2, "Donor/Desynced", "Primary", 3, true, "NONE", 0, true,
                            true, 0)),
                    galera("n113", 0, false, new GaleraState(4, "Synced", "Primary", 3, false, "ALL", 0, true, true, 0)),
                    galera("n114", 0, true, new GaleraState(1, "Joining", "non-Primary", 1, false, "NONE", 0, false,
                            true, 0)));
            assertEquals(List.of(), ids(d.assignment().writers()));
            assertEquals("desynced (wsrep_desync=ON)", reason(d.assignment().offline(), "n112"));
            assertEquals("rejecting queries (wsrep_reject_queries=ALL)", reason(d.assignment().offline(), "n113"));
            assertEquals("outside the primary component (non-Primary)", reason(d.assignment().offline(), "n114"));
            assertEquals(List.of("ClusterHasNoWriter/-", "GaleraNotPrimary/n114"), alerts(d));
        }

        @Test
        void shouldPromoteTheBackupWriterWhenTheWriterLeaves() {
            Derivation d = derive(seed, FailoverEpoch.NONE, seedCluster(0, Assignment.EMPTY).assignment(),
                    down("n112", 0, Reason.REFUSED), galera("n113", 0, false, synced(0)),
                    galera("n114", 0, true, synced(0)));
            assertEquals(List.of("n113"), ids(d.assignment().writers()));
            assertEquals(List.of("n112"), ids(d.assignment().offline()));
        }

        @Test
        void shouldTakeANodeTooFarBehindOutOfTheReaders() {
            Derivation d = derive(seed, FailoverEpoch.NONE, Assignment.EMPTY, galera("n112", 0, false, synced(0)),
                    galera("n113", 0, false, synced(0)), galera("n114", 0, true, synced(250)));
            assertEquals(List.of(), ids(d.assignment().readers()));
            assertEquals("wsrep_local_recv_queue 250 over max_transactions_behind 100",
                    reason(d.assignment().offline(), "n114"));
        }
    }

    @Nested
    class GroupReplication {
        final ClusterSpec spec = spec(ClusterKind.GROUP_REPLICATION, policy(1, 0, 50, 0), node("g1", 1),
                node("g2", 1), node("g3", 1));

        @Test
        void shouldWriteToThePrimaryAndReadFromOnlineSecondariesNotTooFarBehind() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY,
                    member("g1", 0, "ONLINE", "PRIMARY", 0, true), member("g2", 0, "ONLINE", "SECONDARY", 3, true),
                    member("g3", 0, "ONLINE", "SECONDARY", 80, true));
            assertEquals(List.of("g1"), ids(d.assignment().writers()));
            assertEquals(List.of("g2"), ids(d.assignment().readers()));
            assertEquals("applier queue 80 over max_transactions_behind 50", reason(d.assignment().offline(), "g3"));
        }

        @Test
        void shouldTakeMembersThatAreNotOnlineOrWithoutMajorityOffline() {
            Derivation d = derive(spec, FailoverEpoch.NONE, Assignment.EMPTY,
                    member("g1", 0, "ONLINE", "PRIMARY", 0, false), member("g2", 0, "RECOVERING", "SECONDARY", 0, true),
                    member("g3", 0, "ONLINE", "SECONDARY", 0, true));
            assertEquals(List.of(), ids(d.assignment().writers()));
            assertEquals("member ONLINE, without a majority", reason(d.assignment().offline(), "g1"));
            assertEquals("member RECOVERING", reason(d.assignment().offline(), "g2"));
        }

        @Test
        void shouldFollowTheGroupSwitchoverMysqlhaAskedForBeforeTheProbesSeeIt() {
            FailoverEpoch switched = new FailoverEpoch(2, "g2", T0.plusMillis(300));
            // probed before the switchover completed: g1 still PRIMARY, g2 SECONDARY
            Derivation before = derive(spec, switched, Assignment.EMPTY,
                    member("g1", 0, "ONLINE", "PRIMARY", 0, true), member("g2", 0, "ONLINE", "SECONDARY", 0, true),
                    member("g3", 0, "ONLINE", "SECONDARY", 0, true));
            assertEquals(List.of("g2"), ids(before.assignment().writers()), "the group's new primary, at once");
            assertEquals("PRIMARY when last probed, before epoch 2 made g2 the group's primary; not probed since",
                    reason(before.assignment().offline(), "g1"));
            // probed after it: the roles the group reports decide again (a later election of the group's own too)
            Derivation after = derive(spec, switched, Assignment.EMPTY,
                    member("g1", 400, "ONLINE", "SECONDARY", 0, true), member("g2", 400, "ONLINE", "SECONDARY", 0, true),
                    member("g3", 400, "ONLINE", "PRIMARY", 0, true));
            assertEquals(List.of("g3"), ids(after.assignment().writers()));
        }
    }
}
