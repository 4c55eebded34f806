package io.mysqlha.topology.kafka;

import io.mysqlha.testsupport.kafka.EventTap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.GaleraCluster;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.topology.TopologyInfra;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner on real servers: the real health probe observes the JVM's real semi-sync topology and Galera cluster,
 * topology derives from what it publishes, and the test reads the topology and alerts topics as a gateway and an
 * alerting consumer would.
 */
class TopologyOwnerIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Topics TOPICS = new Topics("owner-it-" + UUID.randomUUID().toString().substring(0, 6) + ".");
    private static final EventCodec CODEC = new EventCodec();
    private static Producer<byte[], byte[]> producer;
    private static SimpleMeterRegistry registry;
    private static IgnoredRecords ignored;
    private static final ConcurrentLinkedQueue<TopologyOwner> OWNERS = new ConcurrentLinkedQueue<>();
    private static TopologyOwner owner;

    @BeforeAll
    static void start() {
        SharedInfra.replicationTopology();
        SharedInfra.galera();
        TopologyInfra.probeFor(TOPICS);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TopologyInfra.bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer());
        registry = new SimpleMeterRegistry();
        ignored = new IgnoredRecords(registry, Clock.systemUTC());
        owner = startOwner("first");
    }

    @AfterAll
    static void stop() {
        OWNERS.forEach(TopologyOwner::close);
        if (producer != null) {
            producer.close();
        }
    }

    private static TopologyOwner startOwner(String instance) {
        TopologyOwner o = new TopologyOwner(new TopologyOwner.Settings(SharedInfra.kafka().access(), "topology-owner-it",
                TOPICS, new EventSource("topology", instance), Duration.ofSeconds(10), Duration.ofMillis(100)),
                Clock.systemUTC(), ignored, new OwnerEvents() {
                    @Override
                    public void published(String clusterId, io.mysqlha.events.TopologyChanged topology, long nanos) {
                    }

                    @Override
                    public void publishFailed() {
                    }

                    @Override
                    public void released(String clusterId) {
                    }
                }, producer);
        OWNERS.add(o);
        o.start();
        Waits.until("owner " + instance + " assigned and restored", PATIENCE, o::assigned);
        return o;
    }

    private static String cluster(String kind) {
        return kind + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> ids(List<TopologyChanged.AssignedNode> nodes) {
        return nodes.stream().map(TopologyChanged.AssignedNode::nodeId).sorted().toList();
    }

    private static boolean in(List<TopologyChanged.AssignedNode> nodes, String id) {
        return nodes.stream().anyMatch(n -> n.nodeId().equals(id));
    }

    private static String reasonOf(TopologyChanged t, String id) {
        return t.offline().stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow().reason();
    }

    private static void assertGenerationsStrictlyIncrease(EventTap tap) {
        List<Long> gens = tap.all(TopologyChanged.class).stream().map(TopologyChanged::generation).toList();
        for (int i = 0; i < gens.size(); i++) {
            assertEquals(i + 1, gens.get(i), "generations " + gens);
        }
    }

    @Test
    void shouldNameANodeWhoseFlavourDoesNotFitItsSpec() throws Exception {
        ReplicationTopology maria = SharedInfra.replicationTopology();
        io.mysqlha.testsupport.servers.MySqlTopology mysql = SharedInfra.mysqlTopology();
        io.mysqlha.domain.NodeSpec mariaNode = maria.spec("x").nodes().getFirst();
        io.mysqlha.domain.NodeSpec mysqlNode = mysql.spec("x").nodes().getFirst();
        // a Group Replication spec with a MariaDB node in it; a MariaDB semi-sync spec with a MySQL node in it
        String group = cluster("wrong-group");
        String mixed = cluster("wrong-mix");
        try (EventTap groupTap = new EventTap(TopologyInfra.bootstrap(), TOPICS, group, Topic.ALERTS);
             EventTap mixedTap = new EventTap(TopologyInfra.bootstrap(), TOPICS, mixed, Topic.ALERTS)) {
            TopologyInfra.apply(TOPICS, new io.mysqlha.domain.ClusterSpec(group,
                    io.mysqlha.domain.ClusterKind.GROUP_REPLICATION, List.of(mariaNode, mysqlNode), null, null, null,
                    null, null, null));
            java.util.List<io.mysqlha.domain.NodeSpec> nodes = new java.util.ArrayList<>(maria.spec(mixed).nodes());
            nodes.add(mysqlNode);
            TopologyInfra.apply(TOPICS, new io.mysqlha.domain.ClusterSpec(mixed, io.mysqlha.domain.ClusterKind.SEMI_SYNC,
                    nodes, null, null, null, null, null, null));
            AlertRaised noGroup = groupTap.await("NodeWrongFlavour on " + mariaNode.id(), AlertRaised.class, 0,
                    a -> a.name().equals("NodeWrongFlavour") && mariaNode.id().equals(a.nodeId()), PATIENCE);
            System.out.println("wrong flavour for the kind: " + noGroup.summary());
            assertTrue(noGroup.summary().startsWith(mariaNode.id() + " is MariaDB 10.")
                    && noGroup.summary().contains("MariaDB has no Group Replication"), noGroup.summary());
            AlertRaised odd = mixedTap.await("NodeWrongFlavour on " + mysqlNode.id(), AlertRaised.class, 0,
                    a -> a.name().equals("NodeWrongFlavour") && mysqlNode.id().equals(a.nodeId()), PATIENCE);
            System.out.println("flavours mixed: " + odd.summary());
            assertTrue(odd.summary().startsWith(mysqlNode.id() + " is MySQL 9.7."), odd.summary());
            assertEquals(List.of(), groupTap.all(AlertRaised.class).stream()
                    .filter(a -> a.name().equals("NodeWrongFlavour") && mysqlNode.id().equals(a.nodeId())).toList(),
                    "the MySQL member fits a group_replication spec");
            assertEquals(List.of(), mixedTap.all(AlertRaised.class).stream()
                    .filter(a -> a.name().equals("UnsupportedServerVersion")).toList(), "10.11 and 9.7 are supported");
        }
    }

    @Test
    void shouldTakeAReplicaWithItsSqlThreadStoppedOutOfTheReadersAndRaiseThenResolve() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        String id = cluster("semi");
        MariaDbNode replica = t.replicas().get(1);
        try (EventTap tap = new EventTap(TopologyInfra.bootstrap(), TOPICS, id, Topic.TOPOLOGY, Topic.ALERTS)) {
            TopologyInfra.apply(TOPICS, t.spec(id));
            TopologyChanged first = tap.await("the first assignment of " + id, TopologyChanged.class, 0,
                    c -> !c.writers().isEmpty(), PATIENCE);
            assertEquals(List.of(t.primary().name()), ids(first.writers()));
            assertTrue(in(first.readers(), replica.name()), "replica reads: " + first);

            int before = tap.all(TopologyChanged.class).size();
            try (Connection c = replica.connect(t.users().admin())) {
                Sql.execute(c, "STOP SLAVE SQL_THREAD");
                TopologyChanged out = tap.await(replica.name() + " offline", TopologyChanged.class, before,
                        x -> in(x.offline(), replica.name()), PATIENCE);
                assertTrue(!in(out.readers(), replica.name()), out.toString());
                assertTrue(reasonOf(out, replica.name()).contains("SQL thread not running"), out.toString());
                AlertRaised raised = tap.await("ReplicationStopped raised", AlertRaised.class, 0,
                        a -> a.name().equals("ReplicationStopped") && replica.name().equals(a.nodeId()), PATIENCE);
                assertEquals(id + "/ReplicationStopped/" + replica.name(), raised.alertId());
                assertEquals(id, raised.labels().get("cluster"));

                int offlineAt = tap.all(TopologyChanged.class).size();
                Sql.execute(c, "START SLAVE SQL_THREAD");
                TopologyChanged back = tap.await(replica.name() + " back in the readers", TopologyChanged.class,
                        offlineAt, x -> in(x.readers(), replica.name()), PATIENCE);
                assertTrue(!in(back.offline(), replica.name()), back.toString());
                tap.await("ReplicationStopped resolved", AlertResolved.class, 0,
                        a -> a.alertId().equals(raised.alertId()), PATIENCE);
            } finally {
                try (Connection c = replica.connect(t.users().admin())) {
                    Sql.execute(c, "START SLAVE");
                }
            }
            assertEquals(1, tap.all(AlertRaised.class).stream().filter(a -> a.alertId().equals(
                    id + "/ReplicationStopped/" + replica.name())).count(), "raised once");
            assertGenerationsStrictlyIncrease(tap);
        }
    }

    @Test
    void shouldSplitGaleraWritersByMaxWritersAndTakeAFrozenOrDesyncedNodeOutOfRotation() throws Exception {
        GaleraCluster g = SharedInfra.galera();
        String id = cluster("galera");
        try (EventTap tap = new EventTap(TopologyInfra.bootstrap(), TOPICS, id, Topic.TOPOLOGY, Topic.ALERTS);
             EventTap health = new EventTap(TopologyInfra.bootstrap(), TOPICS, id, Topic.HEALTH)) {
            TopologyInfra.apply(TOPICS, g.spec(id));
            TopologyChanged first = tap.await("the first assignment of " + id, TopologyChanged.class, 0,
                    c -> c.writers().size() == 1 && c.backupWriters().size() == 2, PATIENCE);
            String writer = first.writers().getFirst().nodeId();
            MariaDbNode frozen = g.nodes().stream().filter(n -> !n.name().equals(writer)).findFirst().orElseThrow();

            int before = tap.all(TopologyChanged.class).size();
            frozen.freeze();
            TopologyChanged out;
            try {
                out = tap.await(frozen.name() + " offline while frozen", TopologyChanged.class, before,
                        x -> in(x.offline(), frozen.name()), PATIENCE);
            } finally {
                frozen.thaw();
            }
            assertTrue(reasonOf(out, frozen.name()).contains("TIMEOUT"), out + "\nafter observations "
                    + health.all(NodeHealthObserved.class).stream().filter(o -> o.nodeId().equals(frozen.name()))
                    .skip(Math.max(0, health.all(NodeHealthObserved.class).size() / 3 - 4)).toList());
            long failedBefore = health.all(NodeHealthObserved.class).stream().filter(o -> o.nodeId()
                    .equals(frozen.name()) && !o.reachable() && !o.header().time().isAfter(out.header().time())).count();
            assertTrue(failedBefore >= 2, "offline only after down_after=2 failed observations, saw " + failedBefore);
            assertEquals(List.of(writer), ids(out.writers()), "the writer stays while healthy");
            tap.await(frozen.name() + " back after thaw", TopologyChanged.class, before + 1,
                    x -> !in(x.offline(), frozen.name()), PATIENCE);

            int synced = tap.all(TopologyChanged.class).size();
            MariaDbNode desynced = frozen;
            try (Connection c = desynced.connect(g.users().admin())) {
                Sql.execute(c, "SET GLOBAL wsrep_desync=ON");
                try {
                    TopologyChanged d = tap.await(desynced.name() + " out of rotation", TopologyChanged.class,
                            synced, x -> in(x.offline(), desynced.name()), PATIENCE);
                    assertTrue(reasonOf(d, desynced.name()).contains("desync"), d.toString());
                    assertTrue(!in(d.readers(), desynced.name()) && !in(d.backupWriters(), desynced.name()));
                } finally {
                    Sql.execute(c, "SET GLOBAL wsrep_desync=OFF");
                }
                tap.await(desynced.name() + " back in rotation", TopologyChanged.class, synced + 1,
                        x -> !in(x.offline(), desynced.name()), PATIENCE);
            }
            assertGenerationsStrictlyIncrease(tap);
        }
    }

    @Test
    void shouldContinueGenerationsAndAlertsAfterARestartOfTheOwner() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        String id = cluster("restart");
        MariaDbNode replica = t.replicas().getFirst();
        try (EventTap tap = new EventTap(TopologyInfra.bootstrap(), TOPICS, id, Topic.TOPOLOGY, Topic.ALERTS);
             Connection c = replica.connect(t.users().admin())) {
            TopologyInfra.apply(TOPICS, t.spec(id));
            tap.await("the first assignment", TopologyChanged.class, 0, x -> !x.writers().isEmpty(), PATIENCE);
            try {
                Sql.execute(c, "STOP SLAVE SQL_THREAD");
                TopologyChanged out = tap.await(replica.name() + " offline", TopologyChanged.class, 1,
                        x -> in(x.offline(), replica.name()), PATIENCE);
                String alertId = id + "/ReplicationStopped/" + replica.name();
                tap.await("ReplicationStopped raised", AlertRaised.class, 0, a -> a.alertId().equals(alertId),
                        PATIENCE);

                String before = owner.ownedClusters().toString();
                owner.close();
                OWNERS.remove(owner);
                owner = startOwner("second");
                assertTrue(owner.ownedClusters().contains(id), "the new owner restored " + id + "; had " + before);

                Sql.execute(c, "START SLAVE SQL_THREAD");
                TopologyChanged back = tap.await(replica.name() + " back", TopologyChanged.class, 0,
                        x -> x.generation() > out.generation(), PATIENCE);
                assertEquals(out.generation() + 1, back.generation(), "the next generation after the restart");
                assertEquals("second", back.header().instance());
                assertTrue(in(back.readers(), replica.name()), back.toString());
                AlertResolved resolved = tap.await("resolved by the new owner", AlertResolved.class, 0,
                        a -> a.alertId().equals(alertId), PATIENCE);
                assertEquals("second", resolved.header().instance());
                assertEquals(1, tap.all(AlertRaised.class).stream().filter(a -> a.alertId().equals(alertId)).count(),
                        "not raised again by the new owner");
            } finally {
                Sql.execute(c, "START SLAVE");
            }
            assertGenerationsStrictlyIncrease(tap);
        }
    }

    @Test
    void shouldIgnoreBadObservationsWithAMetricAndNeverChangeTheAssignment() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        String id = cluster("bad");
        MariaDbNode replica = t.replicas().getFirst();
        try (EventTap tap = new EventTap(TopologyInfra.bootstrap(), TOPICS, id, Topic.TOPOLOGY)) {
            TopologyInfra.apply(TOPICS, t.spec(id));
            TopologyChanged first = tap.await("the first assignment", TopologyChanged.class, 0,
                    x -> !x.writers().isEmpty() && x.offline().isEmpty(), PATIENCE);
            int published = tap.all(TopologyChanged.class).size();
            String health = TOPICS.name(Topic.HEALTH);
            // an hour-old observation saying the replica is writable: applied, it would make two writers
            NodeHealthObserved old = writable(id, replica.name(), replica.port(), java.time.Instant.now().minusSeconds(3600));
            send(health, id, CODEC.encode(old));
            send(health, id, CODEC.encode(writable(id, "ghost", 1, java.time.Instant.now())));
            send(health, "no-such-cluster", CODEC.encode(writable("no-such-cluster", replica.name(), replica.port(),
                    java.time.Instant.now())));
            send(health, id, new String(CODEC.encode(writable(id, replica.name(), replica.port(), java.time.Instant.now())),
                    StandardCharsets.UTF_8).replace("\"schemaVersion\":\"1.0\"", "\"schemaVersion\":\"2.0\"")
                    .getBytes(StandardCharsets.UTF_8));
            send(health, id, "{not json".getBytes(StandardCharsets.UTF_8));
            Waits.until("every bad record counted", PATIENCE, () -> ignored.count(health, "out_of_order") >= 1
                    && ignored.count(health, "unknown_node") >= 1 && ignored.count(health, "unknown_cluster") >= 1
                    && ignored.count(health, "undecodable") >= 2);
            long round = owner.rounds();
            Waits.until("a round after them", PATIENCE, () -> owner.rounds() > round + 1);
            assertEquals(published, tap.all(TopologyChanged.class).size(), "nothing published because of them");
            assertEquals(ids(first.writers()), List.of(t.primary().name()));
            assertTrue(registry.find("mysqlha.topology.records.ignored").tag("reason", "out_of_order").counter()
                    .count() >= 1, "metric");
        }
    }

    private static NodeHealthObserved writable(String cluster, String node, int port, java.time.Instant at) {
        return new NodeHealthObserved(new EventHeader(UUID.randomUUID().toString(), "NodeHealthObserved", cluster, at,
                "health-probe", "test", "1.0"), node, "127.0.0.1", port, true, null, 100,
                io.mysqlha.domain.Flavour.MARIADB, "10.11", false, false, null, null, null, null, null, null, null,
                null, null);
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }
}
