package io.mysqlha.failover.kafka;

import io.mysqlha.service.kafka.EventPublisher;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
import io.mysqlha.events.FailureAnalyzed;
import io.mysqlha.events.SwitchoverRequested;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.FailoverFailed;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.failover.io.AdminAudit;
import io.mysqlha.failover.io.NodeRepair;
import io.mysqlha.failover.io.RecoveryContext;
import io.mysqlha.failover.io.RecoveryRunner;
import io.mysqlha.failover.io.RecoverySettings;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.GroupReplicationGroup;
import io.mysqlha.testsupport.servers.MySqlNode;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failover owner on the real thing: a fresh semi-sync MariaDB (or MySQL 9.7) topology per test, the real health probe and
 * topology as processes, real Kafka. The owner runs in this JVM, as the service runs it.
 */
class FailoverOwnerIT {
    private static final Topics TOPICS = new Topics("foit.");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static Path secrets;
    private static ServiceProcess probe;
    private static ServiceProcess topology;
    private static Vertx vertx;
    private static EventPublisher publisher;
    private static FailoverOwner owner;

    @BeforeAll
    static void start() {
        SharedInfra.kafka().provisionTopics(TOPICS);
        Path dir = SharedInfra.dir("failover-it");
        secrets = Secrets.write(dir.resolve("secrets"), io.mysqlha.testsupport.servers.DbUsers.LOCAL);
        Suite suite = new Suite(bootstrap(), TOPICS, secrets, dir);
        probe = suite.start("health-probe");
        topology = suite.start("topology");
        vertx = Vertx.vertx();
        publisher = new EventPublisher(SharedInfra.kafka().access(), "failover-it", TOPICS);
        EventSource source = new EventSource("failover", "it");
        SecretResolver resolver = new SecretResolver(secrets, Map.of());
        RecoverySettings settings = new RecoverySettings(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(300));
        RecoveryContext context = new RecoveryContext(vertx, resolver, settings, Clock.systemUTC(), source,
                publisher::publish);
        owner = new FailoverOwner(new FailoverOwner.Settings(SharedInfra.kafka().access(), "failover-it", TOPICS, source,
                Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(3), true,
                false), Clock.systemUTC(), new RecoveryRunner(context), new NodeRepair(context),
                new AdminAudit(context), publisher);
        owner.start();
        Waits.until("failover owner ready", PATIENCE, owner::ready);
    }

    @AfterAll
    static void stop() {
        if (owner != null) {
            owner.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (vertx != null) {
            vertx.close();
        }
        if (topology != null) {
            topology.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    private static String bootstrap() {
        return SharedInfra.kafka().bootstrapServers();
    }

    /** A fresh topology with its spec applied, once topology named node1 the writer. */
    private static ReplicationTopology cluster(String clusterId, EventTap tap) throws Exception {
        ReplicationTopology t = ReplicationTopology.startForTests(SharedInfra.dir(clusterId), 2);
        ClusterSpec spec = t.spec(clusterId);
        io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), TOPICS, spec);
        tap.await("topology names node1 the writer", TopologyChanged.class, 0,
                c -> c.writers().size() == 1 && c.writers().getFirst().nodeId().equals("node1")
                        && c.readers().size() == 3, PATIENCE);
        return t;
    }

    /** A fresh MySQL 9.7 topology with its spec applied, once topology named mysql1 the writer. */
    private static MySqlTopology mysqlCluster(String clusterId, EventTap tap) {
        MySqlTopology t = MySqlTopology.startForTests(SharedInfra.dir(clusterId), 2);
        io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), TOPICS, t.spec(clusterId));
        tap.await("topology names mysql1 the writer", TopologyChanged.class, 0,
                c -> c.writers().size() == 1 && c.writers().getFirst().nodeId().equals("mysql1")
                        && c.readers().size() == 3, PATIENCE);
        return t;
    }

    private static EventTap tap(String clusterId) {
        return new EventTap(bootstrap(), TOPICS, clusterId, Topic.TOPOLOGY, Topic.FAILOVER, Topic.ALERTS);
    }

    /** Autocommit inserts into app.t on {@code node} until stopped or the first error; the ids it got OK for. */
    private static final class Writer implements AutoCloseable {
        final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;
        volatile String error;

        Writer(ServerNode node, ReplicationTopology t, String table) throws SQLException {
            this(node, t.users(), table);
        }

        Writer(ServerNode node, DbUsers users, String table) throws SQLException {
            try (Connection c = node.connect(users.admin())) {
                Sql.execute(c, "CREATE TABLE IF NOT EXISTS app." + table + " (id INT PRIMARY KEY)");
            }
            thread = Thread.ofPlatform().daemon().name("writer-" + table).start(() -> {
                try (Connection c = node.connect(users.app())) {
                    for (int i = 1; !stop.get(); i++) {
                        Sql.execute(c, "INSERT INTO app." + table + " VALUES (" + i + ")");
                        acknowledged.add(i);
                    }
                } catch (SQLException e) {
                    error = e.getMessage();
                }
            });
        }

        void awaitAtLeast(int n) {
            Waits.until(n + " acknowledged writes", PATIENCE, () -> {
                if (error != null && acknowledged.size() < n) {
                    throw new IllegalStateException("the writer failed early: " + error);
                }
                return acknowledged.size() >= n;
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    private static Map<String, String> slaveStatus(MariaDbNode n, ReplicationTopology t) throws SQLException {
        try (Connection c = n.connect(t.users().admin())) {
            var rows = Sql.rows(c, "SHOW SLAVE STATUS");
            return rows.isEmpty() ? Map.of() : rows.getFirst();
        }
    }

    private static String value(ServerNode n, ReplicationTopology t, String sql) throws SQLException {
        return value(n, t.users(), sql);
    }

    private static String value(ServerNode n, DbUsers users, String sql) throws SQLException {
        try (Connection c = n.connect(users.admin())) {
            return Sql.value(c, sql).orElse(null);
        }
    }

    private static void assertAllPresent(Set<Integer> acknowledged, ServerNode on, ReplicationTopology t,
                                         String table) throws SQLException {
        assertAllPresent(acknowledged, on, t.users(), table);
    }

    private static void assertAllPresent(Set<Integer> acknowledged, ServerNode on, DbUsers users, String table)
            throws SQLException {
        try (Connection c = on.connect(users.admin())) {
            var present = Sql.rows(c, "SELECT id FROM app." + table).stream().map(r -> Integer.parseInt(r.get("id")))
                    .collect(java.util.stream.Collectors.toSet());
            var missing = acknowledged.stream().filter(id -> !present.contains(id)).sorted().toList();
            assertEquals(List.of(), missing, acknowledged.size() + " acknowledged writes; missing on " + on);
        }
    }

    private static void assertReplicatesFrom(MariaDbNode replica, MariaDbNode source, ReplicationTopology t) {
        Waits.until(replica + " replicating from " + source, PATIENCE, () -> {
            Map<String, String> s = slaveStatus(replica, t);
            return String.valueOf(source.port()).equals(s.get("Master_Port")) && "Yes".equals(s.get("Slave_IO_Running"))
                    && "Yes".equals(s.get("Slave_SQL_Running"));
        });
    }

    @Test
    void shouldPromoteTheMostAdvancedReplicaWhenThePrimaryIsKilledUnderWrites() throws Exception {
        try (EventTap tap = tap("kill"); ReplicationTopology t = cluster("kill", tap);
             Writer writer = new Writer(t.primary(), t, "kill")) {
            writer.awaitAtLeast(200);
            t.primary().kill();
            FailoverCompleted done = tap.await("FailoverCompleted", FailoverCompleted.class, 0, f -> true, PATIENCE);
            writer.close();
            assertEquals("node1", done.oldPrimary());
            assertEquals(1, done.epoch());
            MariaDbNode promoted = t.node(done.newPrimary());
            MariaDbNode other = t.replicas().stream().filter(n -> n != promoted).findFirst().orElseThrow();
            assertEquals("0", value(promoted, t, "SELECT @@read_only"));
            assertEquals("1", value(other, t, "SELECT @@read_only"));
            assertReplicatesFrom(other, promoted, t);
            assertAllPresent(writer.acknowledged, promoted, t, "kill");
            assertEquals("1", value(promoted, t, "SELECT epoch FROM mysqlha.epoch"));
            Waits.until("epoch replicated to " + other, PATIENCE,
                    () -> "1".equals(value(other, t, "SELECT MAX(epoch) FROM mysqlha.epoch")));
            List<String> steps = tap.all(FailoverStepCompleted.class).stream()
                    .filter(s -> s.failoverId().equals(done.failoverId())).map(FailoverStepCompleted::step).toList();
            assertEquals(List.of("fence-old-primary", "wait-applied", "stop-replication", "re-point",
                    "enable-semi-sync", "write-epoch", "read-write"), steps);
            FailoverStarted started = tap.all(FailoverStarted.class).getFirst();
            assertEquals("DeadPrimary", started.problem());
            assertTrue(tap.all(FailureAnalyzed.class).stream().anyMatch(a -> a.problem().equals("DeadPrimary")));
            tap.await("topology names " + promoted.name() + " the writer of epoch 1", TopologyChanged.class, 0,
                    c -> c.epoch() == 1 && c.writers().size() == 1
                            && c.writers().getFirst().nodeId().equals(promoted.name()), PATIENCE);

            // the old primary returns (read-only from its config) and is fenced, then rejoined unless it holds a
            // transaction no replica received (a semi-sync primary killed mid-commit can)
            t.primary().start();
            FailoverStepCompleted verdict = tap.await("node1 rejoined or refused", FailoverStepCompleted.class, 0,
                    s -> s.step().startsWith("rejoin") && s.detail().startsWith("node1"), PATIENCE);
            assertEquals("1", value(t.primary(), t, "SELECT @@read_only"));
            if (verdict.step().equals("rejoin")) {
                assertReplicatesFrom(t.primary(), promoted, t);
                awaitSameData(t, promoted, "kill");
            } else {
                assertTrue(verdict.detail().contains("has transactions " + promoted.name() + " does not"),
                        verdict.detail());
                assertTrue(slaveStatus(t.primary(), t).isEmpty(), "an errant node is left out of replication");
                tap.await("ErrantGtidDetected raised", io.mysqlha.events.AlertRaised.class, 0,
                        a -> a.name().equals("ErrantGtidDetected") && "node1".equals(a.nodeId()), PATIENCE);
            }
            System.out.println("old primary after kill -9: " + verdict.step() + ": " + verdict.detail());
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1));
        }
    }

    @Test
    void shouldPromoteTheMostAdvancedMySqlReplicaWhenTheMySqlPrimaryIsKilledUnderWrites() throws Exception {
        String id = "mykill";
        try (EventTap tap = tap(id); MySqlTopology t = mysqlCluster(id, tap)) {
            Set<Integer> acknowledged;
            try (Writer writer = new Writer(t.primary(), t.users(), id)) {
                writer.awaitAtLeast(200);
                t.primary().kill();
                acknowledged = writer.acknowledged;
            }
            FailoverCompleted done = tap.await("FailoverCompleted", FailoverCompleted.class, 0, f -> true, PATIENCE);
            assertEquals("mysql1", done.oldPrimary());
            MySqlNode promoted = t.nodes().stream().filter(n -> n.name().equals(done.newPrimary())).findFirst()
                    .orElseThrow();
            MySqlNode other = t.replicas().stream().filter(n -> n != promoted).findFirst().orElseThrow();
            assertEquals("0", value(promoted, t.users(), "SELECT @@super_read_only"));
            assertEquals("0", value(promoted, t.users(), "SELECT @@read_only"));
            assertEquals("1", value(other, t.users(), "SELECT @@super_read_only"), "the other replica stays fenced");
            assertMySqlReplicatesFrom(other, promoted, t.users());
            assertAllPresent(acknowledged, promoted, t.users(), id);
            assertEquals("1", value(promoted, t.users(), "SELECT epoch FROM mysqlha.epoch"));
            List<String> steps = tap.all(FailoverStepCompleted.class).stream()
                    .filter(s -> s.failoverId().equals(done.failoverId())).map(FailoverStepCompleted::step).toList();
            assertEquals(List.of("fence-old-primary", "wait-applied", "stop-replication", "re-point",
                    "enable-semi-sync", "write-epoch", "read-write"), steps);
            tap.await("topology names " + promoted.name() + " the writer of epoch 1", TopologyChanged.class, 0,
                    c -> c.epoch() == 1 && c.writers().size() == 1
                            && c.writers().getFirst().nodeId().equals(promoted.name()), PATIENCE);
            // the old primary returns super-read-only from its config, is fenced, and rejoined or refused
            t.primary().start();
            FailoverStepCompleted verdict = tap.await("mysql1 rejoined or refused", FailoverStepCompleted.class, 0,
                    s -> s.step().startsWith("rejoin") && s.detail().startsWith("mysql1"), PATIENCE);
            assertEquals("1", value(t.primary(), t.users(), "SELECT @@super_read_only"));
            System.out.println("MySQL old primary after kill -9: " + verdict.step() + ": " + verdict.detail());
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1));
        }
    }

    private static void assertMySqlReplicatesFrom(MySqlNode replica, MySqlNode source, DbUsers users) {
        Waits.until(replica + " replicating from " + source, PATIENCE, () -> {
            try (Connection c = replica.connect(users.admin())) {
                var s = Sql.rows(c, "SHOW REPLICA STATUS");
                return !s.isEmpty() && String.valueOf(source.port()).equals(s.getFirst().get("Source_Port"))
                        && "Yes".equals(s.getFirst().get("Replica_IO_Running"))
                        && "Yes".equals(s.getFirst().get("Replica_SQL_Running"));
            }
        });
    }

    /** The rejoined node holds exactly the new primary's rows (nothing lost, nothing of its own). */
    private static void awaitSameData(ReplicationTopology t, MariaDbNode primary, String table) {
        Waits.until(t.primary() + " has " + primary + "'s rows", PATIENCE, () -> {
            String sql = "SELECT COUNT(*), COALESCE(SUM(id), 0) FROM app." + table;
            try (Connection a = primary.connect(t.users().admin()); Connection b = t.primary().connect(t.users().admin())) {
                return Sql.rows(a, sql).equals(Sql.rows(b, sql));
            }
        });
    }

    @Test
    void shouldNotFailOverAFrozenPrimaryWhileReplicasStillReplicateFromIt() throws Exception {
        try (EventTap tap = tap("frozen"); ReplicationTopology t = cluster("frozen", tap)) {
            t.primary().freeze();
            try {
                FailureAnalyzed unreachable = tap.await("UnreachablePrimary", FailureAnalyzed.class, 0,
                        a -> a.problem().equals("UnreachablePrimary"), PATIENCE);
                assertTrue(tap.all(FailoverStarted.class).isEmpty(), "no failover while a replica still replicates");
                // slave_net_timeout=4: the replicas give the frozen primary up within seconds, then failover acts
                FailoverCompleted done = tap.await("FailoverCompleted", FailoverCompleted.class, 0, f -> true,
                        PATIENCE);
                assertTrue(done.header().time().isAfter(unreachable.header().time()));
            } finally {
                t.primary().thaw();
            }
            // thawed, node1 still has read_only=OFF: it is fenced, and no topology ever had two writers
            Waits.until("node1 fenced after thaw", PATIENCE, () -> "1".equals(value(t.primary(), t,
                    "SELECT @@read_only")));
            tap.await("node1 rejoined or refused", FailoverStepCompleted.class, 0,
                    s -> s.step().startsWith("rejoin") && s.detail().startsWith("node1"), PATIENCE);
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1),
                    tap.all(TopologyChanged.class).toString());
        }
    }

    @Test
    void shouldSwitchOverToTheTargetWithAConcurrentWriterLosingNothing() throws Exception {
        try (EventTap tap = tap("planned"); ReplicationTopology t = cluster("planned", tap);
             Writer writer = new Writer(t.primary(), t, "planned")) {
            writer.awaitAtLeast(100);
            publisher.publish(new SwitchoverRequested(EventHeader.of(SwitchoverRequested.class, "planned",
                    Clock.systemUTC(), new EventSource("test", "it")), "sw-1", "node3", "it"));
            FailoverCompleted done = tap.await("switchover completed", FailoverCompleted.class, 0,
                    f -> f.failoverId().equals("sw-1"), PATIENCE);
            Waits.until("the writer stopped at the fence", PATIENCE, () -> writer.error != null);
            writer.close();
            assertTrue(writer.error.contains("read-only") || writer.error.contains("1290"), writer.error);
            MariaDbNode node3 = t.node("node3");
            assertEquals("node3", done.newPrimary());
            assertEquals(0, done.lostTransactions());
            assertEquals("0", value(node3, t, "SELECT @@read_only"));
            assertEquals("1", value(t.primary(), t, "SELECT @@read_only"));
            assertReplicatesFrom(t.primary(), node3, t);
            assertReplicatesFrom(t.node("node2"), node3, t);
            assertAllPresent(writer.acknowledged, node3, t, "planned");
            assertSwitchoverSteps(tap, "sw-1");
            tap.await("topology names node3 the writer", TopologyChanged.class, 0, c -> c.writers().size() == 1
                    && c.writers().getFirst().nodeId().equals("node3"), PATIENCE);
            assertFalse(tap.all(FailureAnalyzed.class).stream().anyMatch(a -> a.problem().startsWith("DeadPrimary")));
        }
    }

    @Test
    void shouldNotFailOverAFrozenMySqlPrimaryWhileReplicasStillReplicateFromIt() throws Exception {
        String id = "myfrozen";
        try (EventTap tap = tap(id); MySqlTopology t = mysqlCluster(id, tap)) {
            t.primary().freeze();
            try {
                FailureAnalyzed unreachable = tap.await("UnreachablePrimary", FailureAnalyzed.class, 0,
                        a -> a.problem().equals("UnreachablePrimary"), PATIENCE);
                assertTrue(tap.all(FailoverStarted.class).isEmpty(), "no failover while a replica still replicates");
                // replica_net_timeout=4: the replicas give the frozen primary up within seconds, then failover acts
                FailoverCompleted done = tap.await("FailoverCompleted", FailoverCompleted.class, 0, f -> true,
                        PATIENCE);
                assertTrue(done.header().time().isAfter(unreachable.header().time()));
            } finally {
                t.primary().thaw();
            }
            // thawed, mysql1 still takes writes by its settings: it is fenced, and no topology had two writers
            Waits.until("mysql1 fenced after thaw", PATIENCE, () -> "1".equals(value(t.primary(), t.users(),
                    "SELECT @@super_read_only")));
            tap.await("mysql1 rejoined or refused", FailoverStepCompleted.class, 0,
                    s -> s.step().startsWith("rejoin") && s.detail().startsWith("mysql1"), PATIENCE);
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1),
                    tap.all(TopologyChanged.class).toString());
        }
    }

    @Test
    void shouldFollowAGroupReplicationElectionWithoutAFailoverOfItsOwn() throws Exception {
        String id = "grkill";
        try (EventTap tap = tap(id);
             GroupReplicationGroup g = GroupReplicationGroup.startForTests(SharedInfra.dir(id), 3, true)) {
            ClusterSpec base = g.spec(id);
            io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), TOPICS, new ClusterSpec(id, base.kind(), base.nodes(),
                    new io.mysqlha.domain.RoutingPolicy(null, null, 5L, null, null), null, null, null, null, null));
            MySqlNode first = g.members().getFirst();
            MySqlNode third = g.members().getLast();
            tap.await("topology names the group's primary the writer", TopologyChanged.class, 0,
                    c -> c.writers().size() == 1 && c.writers().getFirst().nodeId().equals(first.name())
                            && c.readers().stream().anyMatch(r -> r.nodeId().equals(third.name())), PATIENCE);

            // a member whose applier falls behind (held by a global read lock) leaves the readers past
            // max_transactions_behind, and comes back once it caught up
            try (Connection p = first.connect(g.users().admin()); Connection held = third.connect(g.users().admin())) {
                Sql.execute(p, "CREATE DATABASE IF NOT EXISTS gq", "CREATE TABLE IF NOT EXISTS gq.t (id INT PRIMARY KEY)");
                Waits.until(third.name() + " has the table", PATIENCE, () -> Sql.value(held, "SELECT COUNT(*) FROM"
                        + " information_schema.TABLES WHERE TABLE_SCHEMA = 'gq'").orElse("0").equals("1"));
                Sql.execute(held, "FLUSH TABLES WITH READ LOCK");
                for (int i = 1; i <= 40; i++) {
                    Sql.execute(p, "INSERT INTO gq.t VALUES (" + i + ")");
                }
                TopologyChanged shunned = tap.await(third.name() + " out of the readers", TopologyChanged.class, 0,
                        c -> c.offline().stream().anyMatch(n -> n.nodeId().equals(third.name())), PATIENCE);
                String why = shunned.offline().stream().filter(n -> n.nodeId().equals(third.name())).findFirst()
                        .orElseThrow().reason();
                System.out.println("group member behind: " + why);
                assertTrue(why.startsWith("applier queue ") && why.endsWith(" over max_transactions_behind 5"), why);
                Sql.execute(held, "UNLOCK TABLES");
            }
            tap.await(third.name() + " back in the readers", TopologyChanged.class, 0, c -> c.readers().stream()
                    .anyMatch(r -> r.nodeId().equals(third.name())) && c.offline().isEmpty(), PATIENCE);
            first.kill();
            MySqlNode elected = Waits.forValue("the group's election", PATIENCE, () -> {
                try {
                    MySqlNode p = g.primary(g.members().get(1));
                    return p == first ? null : p;
                } catch (IllegalStateException e) {
                    return null; // no ONLINE primary yet
                }
            });
            tap.await("topology names the elected " + elected.name() + " the writer", TopologyChanged.class, 0,
                    c -> c.writers().size() == 1 && c.writers().getFirst().nodeId().equals(elected.name()), PATIENCE);
            assertTrue(tap.all(FailoverStarted.class).isEmpty(), "mysqlha never fights the group's own election: "
                    + tap.all(FailoverStarted.class));
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1),
                    tap.all(TopologyChanged.class).toString());
            g.rejoin(first);
            tap.await(first.name() + " back as a reader", TopologyChanged.class, 0, c -> c.writers().size() == 1
                    && c.writers().getFirst().nodeId().equals(elected.name())
                    && c.readers().stream().anyMatch(r -> r.nodeId().equals(first.name())), PATIENCE);

            // a planned switchover back to the first member: the group elects it, mysqlha holds and confirms
            publisher.publish(new SwitchoverRequested(EventHeader.of(SwitchoverRequested.class, id,
                    Clock.systemUTC(), new EventSource("test", "it")), "grsw-1", first.name(), "it"));
            FailoverCompleted done = tap.await("the group's switchover", FailoverCompleted.class, 0,
                    f -> f.failoverId().equals("grsw-1"), PATIENCE);
            assertEquals(elected.name(), done.oldPrimary());
            assertEquals(first.name(), done.newPrimary());
            assertEquals(first, g.primary(g.members().get(1)), "the group itself says so");
            assertEquals(List.of("drain", "set-as-primary", "await-primary"), tap.all(FailoverStepCompleted.class)
                    .stream().filter(st -> st.failoverId().equals("grsw-1")).map(FailoverStepCompleted::step).toList());
            System.out.printf("group switchover %s -> %s: steps %s%n", done.oldPrimary(), done.newPrimary(),
                    done.stepDurationsMillis());
            tap.await("topology names " + first.name() + " the writer of epoch " + done.epoch(), TopologyChanged.class,
                    0, c -> c.epoch() == done.epoch() && c.writers().size() == 1
                            && c.writers().getFirst().nodeId().equals(first.name()), PATIENCE);
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1),
                    tap.all(TopologyChanged.class).toString());

            // to the primary it already is: refused, saying so
            publisher.publish(new SwitchoverRequested(EventHeader.of(SwitchoverRequested.class, id,
                    Clock.systemUTC(), new EventSource("test", "it")), "grsw-2", first.name(), "it"));
            FailoverFailed refused = tap.await("the refusal", FailoverFailed.class, 0,
                    f -> f.failoverId().equals("grsw-2"), PATIENCE);
            assertTrue(refused.reason().contains(first.name() + " already is the group's primary"), refused.reason());
        }
    }

    @Test
    void shouldNameAnErrantTransactionWithAGtidTagOnAMySqlReplica() throws Exception {
        String id = "mytag";
        try (EventTap tap = tap(id); MySqlTopology t = mysqlCluster(id, tap)) {
            MySqlNode replica = t.replicas().getLast();
            try (Connection c = replica.connect(t.users().admin())) {
                // MySQL 8.4+ GTID tags: the transaction is <the replica's uuid>:errant:1
                Sql.execute(c, "SET GLOBAL super_read_only=OFF", "SET SESSION gtid_next='AUTOMATIC:errant'",
                        "CREATE TABLE mysqlha.errant_tagged (id INT PRIMARY KEY)",
                        "SET SESSION gtid_next='AUTOMATIC'", "SET GLOBAL super_read_only=ON");
            }
            io.mysqlha.events.AlertRaised a = tap.await("ErrantGtidDetected on " + replica.name(),
                    io.mysqlha.events.AlertRaised.class, 0, x -> x.name().equals("ErrantGtidDetected")
                            && replica.name().equals(x.nodeId()), PATIENCE);
            System.out.println("errant with a tag: " + a.summary());
            assertTrue(a.summary().contains(":errant:1"), a.summary());
        }
    }

    @Test
    void shouldNameWhatTheAdminAccountLacksOnEachNodeBeforeAFailoverNeedsIt() throws Exception {
        String id = "mygrants";
        try (EventTap tap = tap(id); MySqlTopology t = mysqlCluster(id, tap)) {
            try (Connection c = t.primary().connect(t.users().admin())) {
                // an admin account that can watch but not act; created on the primary, replicated to the others
                Sql.execute(c, "CREATE USER 'weak'@'127.0.0.1' IDENTIFIED BY 'weak-password'",
                        "GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'weak'@'127.0.0.1'");
            }
            Secrets.put(secrets, "weak-admin", io.mysqlha.testsupport.servers.DbUser.of("weak", "weak-password"));
            Secrets.put(secrets, "wrong-admin", io.mysqlha.testsupport.servers.DbUser.of("weak", "not-its-password"));
            ClusterSpec base = t.spec(id);
            io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), TOPICS, withAdmin(base, "weak-admin"));
            List<io.mysqlha.events.AlertRaised> lacking = new java.util.ArrayList<>();
            for (MySqlNode n : t.nodes()) {
                lacking.add(tap.await("AdminPrivilegesMissing on " + n.name(), io.mysqlha.events.AlertRaised.class, 0,
                        a -> a.name().equals("AdminPrivilegesMissing") && n.name().equals(a.nodeId()), PATIENCE));
            }
            System.out.println("admin account lacking privileges: " + lacking.getFirst().summary());
            assertEquals(t.nodes().getFirst().name() + ": the admin account 'weak'@'127.0.0.1' lacks what failover"
                    + " needs there: SYSTEM_VARIABLES_ADMIN or SUPER on *.* for SET GLOBAL super_read_only, read_only"
                    + " and rpl_semi_sync_source_enabled (fencing and promotion); REPLICATION_SLAVE_ADMIN or SUPER on"
                    + " *.* for STOP/START REPLICA and CHANGE REPLICATION SOURCE TO (re-pointing replicas); CREATE on"
                    + " mysqlha.* for the mysqlha.epoch table a promotion creates; SELECT on mysqlha.* for reading the"
                    + " epoch a promotion checks; INSERT on mysqlha.* for writing a promotion's epoch (REPLACE); DELETE"
                    + " on mysqlha.* for writing a promotion's epoch (REPLACE). Run on " + t.nodes().getFirst().name()
                    + ": GRANT SYSTEM_VARIABLES_ADMIN, REPLICATION_SLAVE_ADMIN ON *.* TO 'weak'@'127.0.0.1'; GRANT"
                    + " CREATE, SELECT, INSERT, DELETE ON mysqlha.* TO 'weak'@'127.0.0.1';",
                    lacking.stream().filter(a -> a.nodeId().equals(t.nodes().getFirst().name())).findFirst()
                            .orElseThrow().summary());

            // granted as the alert says: every alert resolved at the next look (every 30 s while one is raised)
            try (Connection c = t.primary().connect(t.users().admin())) {
                Sql.execute(c, "GRANT SYSTEM_VARIABLES_ADMIN, REPLICATION_SLAVE_ADMIN ON *.* TO 'weak'@'127.0.0.1'",
                        "GRANT CREATE, SELECT, INSERT, DELETE ON mysqlha.* TO 'weak'@'127.0.0.1'");
            }
            t.awaitReplicated(PATIENCE);
            for (io.mysqlha.events.AlertRaised a : lacking) {
                tap.await("resolved: " + a.alertId(), io.mysqlha.events.AlertResolved.class, 0,
                        r -> r.alertId().equals(a.alertId()), PATIENCE);
            }

            // a secret with the wrong password: the login is what is named
            io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), TOPICS, withAdmin(base, "wrong-admin"));
            io.mysqlha.events.AlertRaised rejected = tap.await("AdminLoginRejected", io.mysqlha.events.AlertRaised.class,
                    0, a -> a.name().equals("AdminLoginRejected"), PATIENCE);
            System.out.println("admin login rejected: " + rejected.summary());
            assertTrue(rejected.summary().contains("refuses the admin account weak of secret 'wrong-admin' (error"
                    + " 1045)"), rejected.summary());
            assertTrue(!rejected.summary().contains("not-its-password"), "no password in an alert");
            io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), TOPICS, base);
        }
    }

    private static ClusterSpec withAdmin(ClusterSpec s, String adminSecret) {
        io.mysqlha.domain.CredentialRefs c = s.credentials();
        return new ClusterSpec(s.clusterId(), s.kind(), s.nodes(), s.routing(), s.probe(), s.listeners(), s.backup(),
                new io.mysqlha.domain.CredentialRefs(c.monitor(), c.replication(), adminSecret, c.appUsers()),
                s.zonePreference());
    }

    @Test
    void shouldWriteToEveryMemberOfAMultiPrimaryGroupAndRefuseToSwitchItOver() throws Exception {
        String id = "grmulti";
        try (EventTap tap = tap(id);
             GroupReplicationGroup g = GroupReplicationGroup.startForTests(SharedInfra.dir(id), 2, false)) {
            ClusterSpec base = g.spec(id);
            io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), TOPICS, new ClusterSpec(id, base.kind(),
                    base.nodes(), new RoutingPolicy(2, null, null, null, null), null, null, null, null, null));
            tap.await("both members writers", TopologyChanged.class, 0, c -> c.writers().size() == 2, PATIENCE);
            publisher.publish(new SwitchoverRequested(EventHeader.of(SwitchoverRequested.class, id,
                    Clock.systemUTC(), new EventSource("test", "it")), "grmsw-1", null, "it"));
            FailoverFailed refused = tap.await("the refusal", FailoverFailed.class, 0,
                    f -> f.failoverId().equals("grmsw-1"), PATIENCE);
            assertTrue(refused.reason().contains("multi-primary"), refused.reason());
            assertTrue(tap.all(FailoverStarted.class).isEmpty(), "nothing was held: " + tap.all(FailoverStarted.class));
        }
    }

    @Test
    void shouldSwitchOverAMySqlClusterToTheTargetWithAConcurrentWriterLosingNothing() throws Exception {
        String id = "myplanned";
        try (EventTap tap = tap(id); MySqlTopology t = mysqlCluster(id, tap)) {
            MySqlNode target = t.replicas().getLast();
            try (Writer writer = new Writer(t.primary(), t.users(), id)) {
                writer.awaitAtLeast(100);
                publisher.publish(new SwitchoverRequested(EventHeader.of(SwitchoverRequested.class, id,
                        Clock.systemUTC(), new EventSource("test", "it")), "mysw-1", target.name(), "it"));
                FailoverCompleted done = tap.await("switchover completed", FailoverCompleted.class, 0,
                        f -> f.failoverId().equals("mysw-1"), PATIENCE);
                Waits.until("the writer stopped at the fence", PATIENCE, () -> writer.error != null);
                writer.close();
                assertTrue(writer.error.contains("read-only") || writer.error.contains("1290"), writer.error);
                assertEquals(target.name(), done.newPrimary());
                assertEquals(0, done.lostTransactions());
                assertEquals("0", value(target, t.users(), "SELECT @@super_read_only"));
                assertEquals("1", value(t.primary(), t.users(), "SELECT @@super_read_only"));
                assertAllPresent(writer.acknowledged, target, t.users(), id);
            }
            for (MySqlNode n : List.of(t.primary(), t.replicas().getFirst())) {
                assertMySqlReplicatesFrom(n, target, t.users());
            }
            assertSwitchoverSteps(tap, "mysw-1");
            tap.await("topology names " + target.name() + " the writer", TopologyChanged.class, 0,
                    c -> c.writers().size() == 1 && c.writers().getFirst().nodeId().equals(target.name()), PATIENCE);
            assertFalse(tap.all(FailureAnalyzed.class).stream().anyMatch(a -> a.problem().startsWith("DeadPrimary")));
        }
    }

    @Test
    void shouldFinishOnAnotherCandidateWhenTheFirstDiesMidPromotion() throws Exception {
        try (EventTap tap = tap("twice"); ReplicationTopology t = cluster("twice", tap);
             Writer writer = new Writer(t.primary(), t, "twice")) {
            writer.awaitAtLeast(50);
            // neither replica applies: the promotion waits in wait-applied, where the candidate is killed
            for (MariaDbNode r : t.replicas()) {
                try (Connection c = r.connect(t.users().admin())) {
                    Sql.execute(c, "STOP SLAVE SQL_THREAD");
                }
            }
            writer.awaitAtLeast(writer.acknowledged.size() + 50);
            t.primary().kill();
            FailoverStarted first = tap.await("FailoverStarted", FailoverStarted.class, 0, s -> true, PATIENCE);
            MariaDbNode doomed = t.node(first.candidate());
            MariaDbNode survivor = t.replicas().stream().filter(n -> n != doomed).findFirst().orElseThrow();
            tap.await("the fence step", FailoverStepCompleted.class, 0, s -> s.failoverId().equals(first.failoverId())
                    && s.step().equals("fence-old-primary"), PATIENCE);
            doomed.kill();
            io.mysqlha.events.FailoverFailed failed = tap.await("FailoverFailed", io.mysqlha.events.FailoverFailed.class,
                    0, f -> f.failoverId().equals(first.failoverId()), PATIENCE);
            assertTrue(failed.reason().contains("left without a writer"), failed.reason());
            try (Connection c = survivor.connect(t.users().admin())) {
                Sql.execute(c, "START SLAVE SQL_THREAD");
            }
            FailoverCompleted done = tap.await("FailoverCompleted", FailoverCompleted.class, 0, f -> true, PATIENCE);
            writer.close();
            assertEquals(survivor.name(), done.newPrimary());
            assertEquals("0", value(survivor, t, "SELECT @@read_only"));
            // two failures at once: a commit only the dead candidate acknowledged is gone with it; the completion
            // must say how many transactions the new primary lacks, and no acknowledged write beyond those is missing
            try (Connection c = survivor.connect(t.users().admin())) {
                var present = Sql.rows(c, "SELECT id FROM app.twice").stream().map(r -> Integer.parseInt(r.get("id")))
                        .collect(java.util.stream.Collectors.toSet());
                long missing = writer.acknowledged.stream().filter(id -> !present.contains(id)).count();
                assertTrue(missing <= done.lostTransactions(), missing + " acknowledged writes missing, "
                        + done.lostTransactions() + " reported lost (" + done.lostGtids() + ")");
            }
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1),
                    "never two writers");
        }
    }

    /** A switchover's steps in order; the old primary's semi-sync clean-up comes last, after FailoverCompleted. */
    private static void assertSwitchoverSteps(EventTap tap, String failoverId) {
        tap.await("the old primary's semi-sync clean-up of " + failoverId, FailoverStepCompleted.class, 0,
                s -> s.failoverId().equals(failoverId) && s.step().equals("old-primary-semi-sync-off"), PATIENCE);
        assertEquals(List.of("drain", "fence-old-primary", "wait-applied", "stop-replication", "re-point",
                "enable-semi-sync", "write-epoch", "read-write", "old-primary-semi-sync-off"),
                tap.all(FailoverStepCompleted.class).stream().filter(s -> s.failoverId().equals(failoverId))
                        .map(FailoverStepCompleted::step).toList());
    }
}
