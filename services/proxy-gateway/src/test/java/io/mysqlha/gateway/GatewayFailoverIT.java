package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a client sees when the topology moves under it, when there is no writer, and when its node dies. */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayFailoverIT {
    private static ReplicationTopology t;

    @BeforeAll
    static void listening() {
        t = SharedInfra.replicationTopology();
        GatewayTestInfra.awaitListening();
    }

    @AfterEach
    void routeAsUsual() {
        GatewayTestInfra.route(t.primary(), List.of(t.replicas().getFirst()));
    }

    private static Connection client(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
    }

    private static String port(Connection c) throws SQLException {
        return Sql.value(c, "SELECT @@port").orElseThrow();
    }

    @Test
    void shouldMoveTheSessionBetweenStatementsCarryingSchemaAndAutocommit() throws Exception {
        MariaDbNode other = t.replicas().get(1);
        try (Connection c = client(GatewayTestInfra.rwPort)) {
            assertEquals(Integer.toString(t.primary().port()), port(c));
            Sql.execute(c, "SET autocommit=0", "COMMIT");
            GatewayTestInfra.route(other, List.of(t.replicas().getFirst()));
            Waits.until("the session on " + other.name(), Duration.ofSeconds(30),
                    () -> port(c).equals(Integer.toString(other.port())));
            assertEquals("app", Sql.value(c, "SELECT DATABASE()").orElseThrow(), "schema carried");
            assertEquals("0", Sql.value(c, "SELECT @@autocommit").orElseThrow(), "autocommit carried");
            Sql.execute(c, "SET autocommit=1");
            GatewayTestInfra.route(t.primary(), List.of(t.replicas().getFirst()));
            Waits.until("the session back on the primary", Duration.ofSeconds(30),
                    () -> port(c).equals(Integer.toString(t.primary().port())));
        }
    }

    /** Waits until the gateway routes by this generation (its readiness data names each listener's generation). */
    private static void applied(long generation) {
        Waits.until("the gateway on generation " + generation, Duration.ofSeconds(30), () -> io.restassured.RestAssured
                .given().get("/q/health/ready").asString().contains("generation " + generation));
    }

    @Test
    void shouldHoldStatementsWhileThereIsNoWriterAndGoOnWithTheNext() throws Exception {
        try (Connection c = client(GatewayTestInfra.rwPort)) {
            assertEquals(Integer.toString(t.primary().port()), port(c));
            applied(GatewayTestInfra.route(null, List.of(t.replicas().getFirst())));
            CompletableFuture<Long> held = CompletableFuture.supplyAsync(() -> {
                try {
                    port(c);
                    return System.nanoTime();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long writerBack = System.nanoTime();
            GatewayTestInfra.route(t.primary(), List.of(t.replicas().getFirst()));
            long finished = held.get(20, TimeUnit.SECONDS);
            assertTrue(finished > writerBack, "the statement finished only once a writer was published");
            assertEquals(Integer.toString(t.primary().port()), port(c));

            applied(GatewayTestInfra.route(null, List.of(t.replicas().getFirst())));
            SQLException e = assertThrows(SQLException.class, () -> port(c));
            assertEquals(9001, e.getErrorCode(), e.getMessage());
            assertTrue(e.getMessage().contains("no writer for cluster " + GatewayTestInfra.CLUSTER + " within "
                    + GatewayTestInfra.HOLD_TIMEOUT_MS + " ms"), e.getMessage());
            applied(GatewayTestInfra.route(t.primary(), List.of(t.replicas().getFirst())));
            assertEquals(Integer.toString(t.primary().port()), port(c), "the same connection writes again");
        }
    }

    @Test
    void shouldKeepTheClientWhenItsBackendDiesAndReportALostTransaction() throws Exception {
        try (Connection c = client(GatewayTestInfra.rwPort); Connection admin = t.primary().connect(t.users().admin())) {
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS lost (id INT PRIMARY KEY)", "DELETE FROM lost");
            String backendId = Sql.value(c, "SELECT CONNECTION_ID()").orElseThrow();
            CompletableFuture<String> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    return Sql.value(c, "SELECT SLEEP(20)").orElseThrow();
                } catch (SQLException e) {
                    return "failed: " + e.getErrorCode() + " " + e.getMessage();
                }
            });
            Waits.until("the statement running on the primary", Duration.ofSeconds(10), () -> Sql.value(admin,
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + backendId
                            + " AND INFO LIKE 'SELECT SLEEP%'").orElseThrow().equals("1"));
            Sql.execute(admin, "KILL CONNECTION " + backendId);
            String outcome = sleeping.get(20, TimeUnit.SECONDS);
            assertTrue(outcome.startsWith("failed:"), "the statement in flight fails: " + outcome);
            assertEquals(Integer.toString(t.primary().port()), port(c), "the connection goes on");

            c.setAutoCommit(false);
            Sql.execute(c, "INSERT INTO lost VALUES (1)");
            String inTransaction = Sql.value(c, "SELECT CONNECTION_ID()").orElseThrow();
            Sql.execute(admin, "KILL CONNECTION " + inTransaction);
            Waits.until("the backend gone", Duration.ofSeconds(10), () -> Sql.value(admin,
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + inTransaction)
                    .orElseThrow().equals("0"));
            SQLException lost = assertThrows(SQLException.class, () -> Sql.execute(c, "INSERT INTO lost VALUES (2)"));
            // the gateway may learn of the dead backend before the next statement (9002, transaction lost) or by
            // sending it there (9001, lost during the statement, which says the open transaction is lost too)
            if (lost.getErrorCode() == 9001) {
                assertTrue(lost.getMessage().contains("the open transaction is lost"), lost.getMessage());
            } else {
                assertEquals(9002, lost.getErrorCode(), lost.getMessage());
                assertEquals("40001", lost.getSQLState());
                assertTrue(lost.getMessage().contains("transaction was lost"), lost.getMessage());
            }
            c.rollback();
            Sql.execute(c, "INSERT INTO lost VALUES (3)");
            c.commit();
            assertEquals("3", Sql.value(c, "SELECT GROUP_CONCAT(id) FROM lost").orElseThrow(),
                    "nothing of the lost transaction was continued elsewhere");
        }
    }

    @Test
    void shouldHoldNewWritesDuringASwitchoverAndResumeOnTheNewEpochWithoutAnError() throws Exception {
        record Insert(long started, long ended, String error) {
        }
        List<Insert> inserts = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (Connection c = client(GatewayTestInfra.rwPort)) {
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS switched (id INT AUTO_INCREMENT PRIMARY KEY, at BIGINT)");
            // its own thread: the common pool has one worker on 2 cores, and a writer held there starves the rest
            Thread writer = Thread.ofPlatform().name("switchover-writer").start(() -> {
                while (!stop.get()) {
                    long started = System.nanoTime();
                    try {
                        Sql.execute(c, "INSERT INTO switched (at) VALUES (" + started + ")");
                        inserts.add(new Insert(started, System.nanoTime(), null));
                    } catch (SQLException e) {
                        inserts.add(new Insert(started, System.nanoTime(), e.getErrorCode() + " " + e.getMessage()));
                    }
                }
            });
            try {
                Waits.until("the writer writing", Duration.ofSeconds(10), () -> inserts.size() > 20);
                String id = "sw-" + java.util.UUID.randomUUID().toString().substring(0, 6);
                GatewayTestInfra.publish(new io.mysqlha.events.FailoverStarted(header("FailoverStarted"), id,
                        io.mysqlha.events.FailoverKind.SWITCHOVER, "planned", t.primary().name(), t.primary().name(),
                        1, false));
                Waits.until("writes held", Duration.ofSeconds(10), () -> io.restassured.RestAssured.given()
                        .get("/gateway/routes").jsonPath().getList("writesHeldFor").contains(id));
                long heldVisible = System.nanoTime();
                int before = inserts.size();
                long released = System.nanoTime();
                GatewayTestInfra.route(t.primary(), List.of(t.replicas().getFirst()), 1); // the new epoch's writer
                Waits.until("writes going on", Duration.ofSeconds(20), () -> inserts.stream()
                        .skip(before).filter(i -> i.error() == null).count() > 20);
                stop.set(true);
                writer.join(20_000);
                assertEquals(List.of(), inserts.stream().filter(i -> i.error() != null).map(Insert::error).toList(),
                        "no client error across the switchover");
                assertTrue(inserts.stream().filter(i -> i.started() > heldVisible).allMatch(i -> i.ended() > released),
                        "no write that began while held finished before the new epoch was published");
            } finally {
                stop.set(true);
                writer.join(20_000);
            }
        }
    }

    private static io.mysqlha.events.EventHeader header(String type) {
        return new io.mysqlha.events.EventHeader(java.util.UUID.randomUUID().toString(), type,
                GatewayTestInfra.CLUSTER, java.time.Instant.now(), "failover", "gateway-it", "1.0");
    }
}
