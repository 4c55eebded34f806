package io.mysqlha.probe.io;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.Secret;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.LagSource;
import io.mysqlha.events.health.ProbeFailure.Reason;
import io.mysqlha.events.health.ThreadState;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.GaleraCluster;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.GroupReplicationGroup;
import io.mysqlha.testsupport.servers.MySqlNode;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prober against real MariaDB and MySQL servers: every field, and every way a node can fail to answer. */
class ClusterProberIT {
    private static final Vertx VERTX = Vertx.vertx();
    private static final DbCredentials MONITOR = new DbCredentials(DbUsers.LOCAL.monitor().name(),
            DbUsers.LOCAL.monitor().password());
    private static final ProbeSettings SETTINGS = new ProbeSettings(500, 100, 400, true);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<ClusterProber> started = new ArrayList<>();

    @AfterEach
    void stopProbers() {
        started.forEach(ClusterProber::stop);
    }

    @AfterAll
    static void closeVertx() {
        VERTX.close();
    }

    /** Observations of one running prober, newest last. */
    private final class Seen {
        final List<NodeHealthObserved> all = new CopyOnWriteArrayList<>();

        NodeHealthObserved await(String node, String what, Predicate<NodeHealthObserved> p) {
            int from = all.size();
            return Waits.forValue(node + ": " + what, WAIT, () -> all.subList(Math.min(from, all.size()), all.size())
                    .stream().filter(o -> o.nodeId().equals(node) && p.test(o)).findFirst().orElse(null));
        }

        long count(String node) {
            return all.stream().filter(o -> o.nodeId().equals(node)).count();
        }
    }

    private Seen probe(ClusterSpec spec, DbCredentials credentials, ProbeSettings settings) {
        Seen seen = new Seen();
        ClusterProber prober = new ClusterProber(VERTX, spec, settings, credentials,
                io.mysqlha.service.sql.NodeTlsSettings.PREFERRED,
                credentials == null ? "secret 'mysqlha-monitor' not found: set MYSQLHA_SECRET_MYSQLHA_MONITOR" : null,
                Clock.systemUTC(), new EventSource("health-probe", "it"), seen.all::add);
        started.add(prober);
        prober.start();
        return seen;
    }

    private static ClusterSpec spec(List<NodeSpec> nodes) {
        return new ClusterSpec("c1", ClusterKind.SEMI_SYNC, nodes, null, null, null, null, null, null);
    }

    @Test
    void shouldReportEveryFieldOfASemiSyncTopology() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        Seen seen = probe(t.spec("c1"), MONITOR, SETTINGS);
        NodeHealthObserved primary = seen.await("node1", "reachable", NodeHealthObserved::reachable);
        assertEquals(Flavour.MARIADB, primary.flavour());
        assertEquals(false, primary.readOnly());
        assertNull(primary.replication());
        assertTrue(primary.semiSync().masterEnabled());
        assertTrue(primary.semiSync().masterStatus());
        assertEquals(2, primary.semiSync().masterClients());
        // the first cycle reads before it writes its first heartbeat; a later one shows the write in the binlog
        seen.await("node1", "heartbeat writes in the binlog", x -> x.reachable()
                && !MariaDbGtidPosition.parse(x.gtid().binlogPos()).isEmpty());
        assertTrue(primary.rttMicros() > 0);
        assertEquals("c1", primary.clusterId());

        for (MariaDbNode r : t.replicas()) {
            NodeHealthObserved o = seen.await(r.name(), "replicating with heartbeat lag",
                    x -> x.reachable() && x.lagSource() == LagSource.HEARTBEAT);
            assertEquals(true, o.readOnly());
            assertEquals(t.primary().port(), o.replication().sourcePort());
            assertEquals("127.0.0.1", o.replication().sourceHost());
            assertEquals(ThreadState.RUNNING, o.replication().ioThread());
            assertEquals(ThreadState.RUNNING, o.replication().sqlThread());
            assertEquals("Slave_Pos", o.replication().usingGtid());
            assertTrue(o.semiSync().slaveStatus());
            assertTrue(o.lagMillis() >= 0 && o.lagMillis() < 5_000, "lag " + o.lagMillis());
            assertFalse(MariaDbGtidPosition.parse(o.gtid().currentPos()).isEmpty());
        }
    }

    @Test
    void shouldReportEveryFieldOfAMySqlSemiSyncTopology() throws Exception {
        MySqlTopology t = SharedInfra.mysqlTopology();
        Seen seen = probe(t.spec("c1"), MONITOR, SETTINGS);
        String primaryName = t.primary().name();
        NodeHealthObserved primary = seen.await(primaryName, "reachable", NodeHealthObserved::reachable);
        assertEquals(Flavour.MYSQL, primary.flavour());
        assertEquals(false, primary.readOnly());
        assertNull(primary.replication());
        assertTrue(primary.semiSync().masterEnabled());
        assertTrue(primary.semiSync().masterStatus());
        assertEquals(2, primary.semiSync().masterClients());
        NodeHealthObserved written = seen.await(primaryName, "heartbeat writes in its executed GTID set",
                x -> x.reachable() && x.gtid().executed() != null && !x.gtid().executed().isEmpty());
        assertTrue(written.gtid().serverUuid() != null && written.gtid().executed().contains(written.gtid().serverUuid()),
                written.gtid().toString());
        for (MySqlNode r : t.replicas()) {
            NodeHealthObserved o = seen.await(r.name(), "replicating with heartbeat lag",
                    x -> x.reachable() && x.lagSource() == LagSource.HEARTBEAT);
            assertEquals(Flavour.MYSQL, o.flavour());
            assertEquals(true, o.readOnly());
            assertEquals(t.primary().port(), o.replication().sourcePort());
            assertEquals("127.0.0.1", o.replication().sourceHost());
            assertEquals(ThreadState.RUNNING, o.replication().ioThread());
            assertEquals(ThreadState.RUNNING, o.replication().sqlThread());
            assertEquals("Auto_Position", o.replication().usingGtid());
            assertTrue(o.semiSync().slaveStatus());
            assertTrue(o.lagMillis() >= 0 && o.lagMillis() < 5_000, "lag " + o.lagMillis());
        }
    }

    @Test
    void shouldReportGroupReplicationMembershipAndFollowTheGroupsElection() throws Exception {
        try (GroupReplicationGroup g = GroupReplicationGroup.startForTests(SharedInfra.dir("gr"), 3, true)) {
            Seen seen = probe(g.spec("c1"), MONITOR, SETTINGS);
            MySqlNode first = g.members().getFirst();
            NodeHealthObserved p = seen.await(first.name(), "the primary", x -> x.reachable()
                    && x.groupReplication() != null && "PRIMARY".equals(x.groupReplication().memberRole()));
            assertEquals(Flavour.MYSQL, p.flavour());
            assertEquals("ONLINE", p.groupReplication().memberState());
            assertTrue(p.groupReplication().singlePrimaryMode());
            assertTrue(p.groupReplication().viable());
            assertEquals(false, p.readOnly());
            for (MySqlNode m : g.members().subList(1, 3)) {
                NodeHealthObserved o = seen.await(m.name(), "a secondary", x -> x.reachable()
                        && x.groupReplication() != null && "SECONDARY".equals(x.groupReplication().memberRole()));
                assertEquals("ONLINE", o.groupReplication().memberState());
                assertTrue(o.groupReplication().viable());
                assertEquals(true, o.readOnly(), "a secondary is super_read_only");
            }
            // the primary killed: the group elects another, and the probe reports it
            first.kill();
            seen.await(first.name(), "unreachable", x -> !x.reachable());
            NodeHealthObserved elected = Waits.forValue("a new primary", WAIT, () -> seen.all.stream()
                    .filter(x -> !x.nodeId().equals(first.name()) && x.reachable() && x.groupReplication() != null
                            && "PRIMARY".equals(x.groupReplication().memberRole())).findFirst().orElse(null));
            assertEquals(g.primary(g.members().get(1)).name(), elected.nodeId());
            g.rejoin(first);
            seen.await(first.name(), "back as a secondary", x -> x.reachable() && x.groupReplication() != null
                    && "SECONDARY".equals(x.groupReplication().memberRole())
                    && "ONLINE".equals(x.groupReplication().memberState()));
        }
    }

    @Test
    void shouldSeeAStoppedIoThreadAndHeartbeatLagGrowWhileTheSqlThreadIsStopped() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        MariaDbNode replica = t.replicas().getLast();
        Seen seen = probe(t.spec("c1"), MONITOR, SETTINGS);
        try (Connection p = t.primary().connect(t.users().admin())) {
            // the probe keeps writing heartbeats cycle after cycle (not only on its first one)
            seen.await("node1", "second observation", NodeHealthObserved::reachable);
            long first = Waits.forValue("a heartbeat row on the primary", WAIT, () -> heartbeat(p));
            Waits.until("the heartbeat row to advance three times", WAIT, () -> heartbeat(p) > first + 1_000_000);
        }
        try (Connection c = replica.connect(t.users().admin())) {
            Sql.execute(c, "STOP SLAVE IO_THREAD");
            try {
                NodeHealthObserved o = seen.await(replica.name(), "IO thread stopped",
                        x -> x.reachable() && x.replication().ioThread() == ThreadState.STOPPED);
                assertEquals(ThreadState.RUNNING, o.replication().sqlThread());
            } finally {
                Sql.execute(c, "START SLAVE IO_THREAD");
            }
            Sql.execute(c, "STOP SLAVE SQL_THREAD");
            try {
                NodeHealthObserved lagging = seen.await(replica.name(), "heartbeat lag over 1500 ms",
                        x -> x.reachable() && x.lagMillis() != null && x.lagMillis() > 1_500);
                assertEquals(LagSource.HEARTBEAT, lagging.lagSource());
                assertEquals(ThreadState.STOPPED, lagging.replication().sqlThread());
                seen.await(replica.name(), "lag still growing", x -> x.reachable() && x.lagMillis() != null
                        && x.lagMillis() > lagging.lagMillis() + 400);
            } finally {
                Sql.execute(c, "START SLAVE SQL_THREAD");
            }
            seen.await(replica.name(), "caught up again", x -> x.reachable() && x.lagMillis() != null
                    && x.lagMillis() < 1_000);
        }
    }

    private static Long heartbeat(Connection primary) {
        try {
            return Sql.value(primary, "SELECT ts_micros FROM mysqlha.heartbeat WHERE node_id = 'node1'")
                    .map(Long::parseLong).orElse(null);
        } catch (java.sql.SQLException e) {
            return null; // the table appears with the first write
        }
    }

    @Test
    void shouldReportFrozenAsTimeoutKilledAsRefusedAndKeepTheOthersCadence() throws Exception {
        try (ReplicationTopology t = ReplicationTopology.startForTests(SharedInfra.dir("probe-faults"), 2)) {
            MariaDbNode frozen = t.replicas().getFirst();
            Seen seen = probe(t.spec("c1"), MONITOR, SETTINGS);
            seen.await(frozen.name(), "reachable", NodeHealthObserved::reachable);
            frozen.freeze();
            try {
                NodeHealthObserved timeout = seen.await(frozen.name(), "timeout", x -> !x.reachable());
                assertEquals(Reason.TIMEOUT, timeout.failure().reason());
                long primaryBefore = seen.count("node1");
                long otherBefore = seen.count("node3");
                seen.await(frozen.name(), "a 4th timeout in a row", x -> !x.reachable());
                seen.await(frozen.name(), "", x -> !x.reachable());
                seen.await(frozen.name(), "", x -> !x.reachable());
                // while the frozen node timed out three more times, the others went on being probed
                assertTrue(seen.count("node1") - primaryBefore >= 2, "primary observations kept coming");
                assertTrue(seen.count("node3") - otherBefore >= 2, "replica observations kept coming");
            } finally {
                frozen.thaw();
            }
            seen.await(frozen.name(), "reachable after thaw", NodeHealthObserved::reachable);

            t.replicas().getLast().kill();
            NodeHealthObserved killed = seen.await("node3", "refused", x -> !x.reachable());
            assertEquals(Reason.REFUSED, killed.failure().reason(), killed.failure().message());
        }
    }

    @Test
    void shouldReportWrongCredentialsAsAuthFailureNotDeath() {
        ReplicationTopology t = SharedInfra.replicationTopology();
        Seen seen = probe(t.spec("c1"), new DbCredentials(MONITOR.user(), Secret.of("wrong")), SETTINGS);
        NodeHealthObserved o = seen.await("node1", "failure", x -> !x.reachable());
        assertEquals(Reason.AUTH_FAILURE, o.failure().reason());
        assertEquals(1045, o.failure().errorCode());
        assertFalse(o.failure().message().contains("monitor\""), o.failure().message());
    }

    @Test
    void shouldReportMissingCredentialsWithoutProbing() {
        ReplicationTopology t = SharedInfra.replicationTopology();
        Seen seen = probe(t.spec("c1"), null, SETTINGS);
        NodeHealthObserved o = seen.await("node2", "failure", x -> !x.reachable());
        assertTrue(o.failure().message().contains("MYSQLHA_SECRET_MYSQLHA_MONITOR"), o.failure().message());
    }

    @Test
    void shouldTurnBadAddressesAndBadServersIntoObservations() throws Exception {
        try (ServerSocket closer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!closer.isClosed()) {
                    try (Socket s = closer.accept()) {
                        s.getOutputStream().write(new byte[]{5, 0, 0, 0}); // a packet header, then hang up
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            int refusedPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                refusedPort = s.getLocalPort();
            }
            Seen seen = probe(spec(List.of(
                    new NodeSpec("dns", "no-such-host.invalid", 3306, null, null, null, null),
                    new NodeSpec("closer", "127.0.0.1", closer.getLocalPort(), null, null, null, null),
                    new NodeSpec("silent", "127.0.0.1", silent.getLocalPort(), null, null, null, null),
                    new NodeSpec("nobody", "127.0.0.1", refusedPort, null, null, null, null))), MONITOR, SETTINGS);
            NodeHealthObserved dns = seen.await("dns", "failure", x -> !x.reachable());
            assertEquals(Reason.OTHER, dns.failure().reason());
            assertTrue(dns.failure().message().contains("does not resolve"), dns.failure().message());
            NodeHealthObserved closed = seen.await("closer", "failure", x -> !x.reachable());
            assertEquals(Reason.OTHER, closed.failure().reason(), closed.failure().message());
            NodeHealthObserved hung = seen.await("silent", "failure", x -> !x.reachable());
            assertEquals(Reason.TIMEOUT, hung.failure().reason(), hung.failure().message());
            NodeHealthObserved refused = seen.await("nobody", "failure", x -> !x.reachable());
            assertEquals(Reason.REFUSED, refused.failure().reason(), refused.failure().message());
            // the cycle is never stuck: every bad node is observed again and again
            seen.await("silent", "second observation", x -> !x.reachable());
            seen.await("closer", "second observation", x -> !x.reachable());
        }
    }

    @Test
    void shouldReadGaleraStateDesyncAndRejectQueries() throws Exception {
        GaleraCluster g = SharedInfra.galera();
        MariaDbNode node = g.nodes().get(2);
        Seen seen = probe(g.spec("g1"), MONITOR, SETTINGS);
        NodeHealthObserved synced = seen.await(node.name(), "Synced", x -> x.reachable() && x.galera() != null
                && x.galera().localState() == 4);
        assertEquals("Synced", synced.galera().localStateComment());
        assertEquals("Primary", synced.galera().clusterStatus());
        assertEquals(3, synced.galera().clusterSize());
        assertTrue(synced.galera().ready());
        assertTrue(synced.galera().connected());
        assertFalse(synced.galera().desync());
        assertEquals("NONE", synced.galera().rejectQueries());
        assertNull(synced.lagSource(), "Galera lag is its receive queue, not a heartbeat");
        try (Connection c = node.connect(g.users().admin())) {
            Sql.execute(c, "SET GLOBAL wsrep_desync=ON");
            try {
                NodeHealthObserved desynced = seen.await(node.name(), "desynced",
                        x -> x.reachable() && x.galera().desync() && x.galera().localState() == 2);
                assertEquals("Donor/Desynced", desynced.galera().localStateComment());
            } finally {
                Sql.execute(c, "SET GLOBAL wsrep_desync=OFF");
            }
            Sql.execute(c, "SET GLOBAL wsrep_reject_queries=ALL");
            try {
                NodeHealthObserved rejecting = seen.await(node.name(), "rejecting queries",
                        x -> x.reachable() && "ALL".equals(x.galera().rejectQueries()));
                assertEquals(4, rejecting.galera().localState());
            } finally {
                Sql.execute(c, "SET GLOBAL wsrep_reject_queries=NONE");
            }
        }
    }
}
