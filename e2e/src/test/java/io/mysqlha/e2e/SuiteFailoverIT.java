package io.mysqlha.e2e;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite as it runs in production, each service its own packaged process (probe, topology, failover, gateway)
 * on real MariaDB and on real MySQL, and real Kafka; a client writes through the gateway's read/write listener
 * while the primary is killed or switched over.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("flavours")
class SuiteFailoverIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String CLUSTER = "suite";
    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static Topics topics;
    private static GtidTopology t;
    private static int rwPort;

    static List<Flavours.Of> flavours() {
        return Flavours.BOTH;
    }

    /** Each flavour's servers and services are started once for the class's tests (below). */
    SuiteFailoverIT(Flavours.Of flavour) {
    }

    @BeforeParameterizedClassInvocation
    static void start(Flavours.Of flavour) throws Exception {
        topics = new Topics("suite-" + flavour.tag() + ".");
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("suite-it-" + flavour.tag());
        t = flavour.start(dir.resolve("db"));
        Suite suite = new Suite(SharedInfra.kafka().bootstrapServers(), topics,
                Secrets.write(dir.resolve("secrets"), t.users()), dir);
        for (String s : List.of("health-probe", "topology", "failover", "proxy-gateway")) {
            SERVICES.add(suite.start(s));
        }
        rwPort = FreePorts.next();
        ClusterSpec base = t.spec(CLUSTER);
        ClusterSpec spec = new ClusterSpec(CLUSTER, base.kind(), base.nodes(), null, null,
                List.of(new ListenerSpec("rw", "127.0.0.1", rwPort, ListenerRole.READ_WRITE, 64)), null, null, null);
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        io.mysqlha.testsupport.kafka.Specs.apply(bootstrap, topics, spec);
        Waits.until("the gateway writing to " + t.primary().name() + " through :" + rwPort, PATIENCE, () -> {
            try (Connection c = client()) {
                return Sql.value(c, "SELECT @@port").orElse("").equals(Integer.toString(t.primary().port()));
            }
        });
        Waits.until("every service ready", PATIENCE, () -> SERVICES.stream().allMatch(s -> {
            try {
                return s.get("/q/health/ready").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        SERVICES.forEach(ServiceProcess::close);
        SERVICES.clear();
        if (t != null) {
            t.close();
        }
    }

    private static Connection client() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        p.setProperty("connectTimeout", "5000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + rwPort + "/app", p);
    }

    /** One client connection looping over autocommit inserts; errors are recorded and it goes on, never reconnects. */
    private static final class Client implements AutoCloseable {
        final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final AtomicLong lastAck = new AtomicLong();
        final List<Long> ackTimes = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;
        volatile boolean connectionLost;

        Client(String table) throws SQLException {
            Connection c = client();
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS " + table + " (id INT PRIMARY KEY)");
            thread = Thread.ofPlatform().daemon().name("client-" + table).start(() -> {
                try (c) {
                    for (int i = 1; !stop.get(); i++) {
                        try {
                            Sql.execute(c, "INSERT INTO " + table + " VALUES (" + i + ")");
                            acknowledged.add(i);
                            long now = System.nanoTime();
                            ackTimes.add(now);
                            lastAck.set(now);
                        } catch (SQLException e) {
                            errors.add(e.getErrorCode() + " " + e.getMessage());
                            if (c.isClosed()) {
                                connectionLost = true;
                                return;
                            }
                        }
                    }
                } catch (SQLException e) {
                    connectionLost = true;
                }
            });
        }

        /** The longest time between two acknowledged inserts after {@code since}, in ms. */
        double longestPauseAfter(long since) {
            long longest = 0;
            long previous = since;
            for (long at : ackTimes) {
                if (at > since) {
                    longest = Math.max(longest, at - previous);
                    previous = at;
                }
            }
            return longest / 1e6;
        }

        void awaitAcks(int n) {
            Waits.until(n + " acknowledged inserts through the gateway", PATIENCE, () -> {
                assertFalse(connectionLost, "the client's connection was closed: " + errors);
                return acknowledged.size() >= n;
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(15_000);
        }
    }

    /** The writer of the latest topology (after a switchover it is not the first node). */
    private static ServerNode currentPrimary(EventTap tap) {
        TopologyChanged latest = tap.await("a topology with a writer", TopologyChanged.class, 0,
                c -> !c.writers().isEmpty(), PATIENCE);
        List<TopologyChanged> all = tap.all(TopologyChanged.class);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (!all.get(i).writers().isEmpty()) {
                latest = all.get(i);
                break;
            }
        }
        return t.node(latest.writers().getFirst().nodeId());
    }

    private static void assertAllOn(ServerNode node, Set<Integer> acknowledged, String table) throws SQLException {
        try (Connection c = node.connect(t.users().admin())) {
            Set<Integer> present = Sql.rows(c, "SELECT id FROM app." + table).stream()
                    .map(r -> Integer.parseInt(r.get("id"))).collect(Collectors.toSet());
            assertEquals(List.of(), acknowledged.stream().filter(i -> !present.contains(i)).sorted().toList(),
                    "acknowledged inserts missing on " + node);
        }
    }

    @Test
    void shouldKeepTheClientWritingThroughTheGatewayWhenThePrimaryIsKilled() throws Exception {
        try (EventTap tap = new EventTap(SharedInfra.kafka().bootstrapServers(), topics, CLUSTER, Topic.TOPOLOGY,
                Topic.FAILOVER); Client client = new Client("unplanned")) {
            client.awaitAcks(300);
            int before = client.acknowledged.size();
            ServerNode primary = currentPrimary(tap);
            int skip = (int) tap.all(FailoverCompleted.class).stream().filter(f -> true).count();
            long killed = System.nanoTime();
            primary.kill();
            Waits.until("inserts going on after the failover", PATIENCE, () -> {
                assertFalse(client.connectionLost, "the client's connection was closed: " + client.errors);
                return client.lastAck.get() > killed && client.acknowledged.size() >= before + 300;
            });
            client.close();
            FailoverCompleted done = tap.await("FailoverCompleted", FailoverCompleted.class, skip,
                    f -> f.kind() == io.mysqlha.events.FailoverKind.FAILOVER, PATIENCE);
            assertEquals(primary.name(), done.oldPrimary());
            long firstAfter = client.acknowledged.size();
            System.out.printf("unplanned failover through the gateway: %s -> %s, longest write pause after the kill"
                    + " %.0f ms, %d acknowledged inserts, errors %s%n", done.oldPrimary(), done.newPrimary(),
                    client.longestPauseAfter(killed), firstAfter, client.errors);
            assertTrue(client.errors.size() <= 1, "at most the statement in flight fails: " + client.errors);
            assertFalse(client.connectionLost);
            assertAllOn(t.node(done.newPrimary()), client.acknowledged, "unplanned");
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1));

            // the old primary comes back: failover fences it and makes it a replica of the new one, unless it holds
            // a commit nobody else received (kill -9 mid-commit), in which case it stays read-only and left out
            primary.start();
            io.mysqlha.events.FailoverStepCompleted rejoin = tap.await("the old primary's rejoin",
                    io.mysqlha.events.FailoverStepCompleted.class, 0, st -> st.step().startsWith("rejoin")
                            && st.detail().startsWith(primary.name()), PATIENCE);
            System.out.printf("old primary back: %s: %s%n", rejoin.step(), rejoin.detail());
            try (Connection c = primary.connect(t.users().admin())) {
                assertEquals("1", Sql.value(c, "SELECT @@read_only").orElseThrow(), "the old primary is read-only");
                if (rejoin.step().equals("rejoin")) {
                    ServerNode newPrimary = t.node(done.newPrimary());
                    Waits.until(primary + " replicating from " + newPrimary, PATIENCE, () -> t.replicaState(c)
                            .map(r -> r.replicatingFrom(newPrimary)).orElse(false));
                } else {
                    assertEquals("rejoin-refused", rejoin.step());
                    assertTrue(rejoin.detail().contains("has transactions"), rejoin.detail());
                }
            }
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1),
                    "never two writers, also once the old primary is back");
        }
    }

    @Test
    void shouldSwitchOverUnderAClientWritingThroughTheGatewayWithoutAnError() throws Exception {
        // runs after (or without) the kill test: whoever is the primary now hands over to another node
        try (EventTap tap = new EventTap(SharedInfra.kafka().bootstrapServers(), topics, CLUSTER, Topic.TOPOLOGY,
                Topic.FAILOVER); Client client = new Client("planned")) {
            client.awaitAcks(200);
            ServiceProcess failover = SERVICES.get(2);
            var answer = failover.post("/clusters/" + CLUSTER + "/switchover?by=it");
            assertEquals(202, answer.statusCode(), answer.body());
            long asked = System.nanoTime();
            int skip = tap.all(FailoverCompleted.class).size();
            FailoverCompleted done = tap.await("switchover completed", FailoverCompleted.class, skip,
                    f -> f.kind() == io.mysqlha.events.FailoverKind.SWITCHOVER, PATIENCE);
            int atCompletion = client.acknowledged.size();
            client.awaitAcks(atCompletion + 200);
            client.close();
            System.out.printf("switchover through the gateway: %s -> %s, longest write pause %.0f ms, steps %s,"
                    + " errors %s, drain: %s%n", done.oldPrimary(), done.newPrimary(), client.longestPauseAfter(asked),
                    done.stepDurationsMillis(), client.errors, tap.all(io.mysqlha.events.FailoverStepCompleted.class)
                            .stream().filter(st -> st.failoverId().equals(done.failoverId())
                                    && st.step().equals("drain")).map(io.mysqlha.events.FailoverStepCompleted::detail)
                            .toList());
            assertEquals(List.of(), client.errors, "a planned switchover costs the client no error");
            assertAllOn(t.node(done.newPrimary()), client.acknowledged, "planned");
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(c -> c.writers().size() <= 1));
        }
    }
}
