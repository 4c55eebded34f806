package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KILL by the ids clients see (the gateway's, in its greeting): a driver's Statement.cancel() stops the statement on
 * the node that runs it; KILL CONNECTION closes the gateway session.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayKillIT {

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    @Test
    void shouldCancelAStatementThroughTheDriver() throws Exception {
        try (Connection c = connect(GatewayTestInfra.rwPort)) {
            Statement running = c.createStatement();
            long gatewayId = c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
            assertTrue(gatewayId >= 1_000_000_000L, "a gateway id: " + gatewayId);
            CompletableFuture<String> sleeping = sleep(running);
            Waits.until("the SLEEP running", Duration.ofSeconds(10), () -> sleepingOn() > 0);
            running.cancel(); // the driver sends KILL QUERY <gateway id> on a connection of its own
            String outcome = sleeping.get(10, TimeUnit.SECONDS);
            assertTrue(outcome.startsWith("1317"), "interrupted: " + outcome);
            assertEquals("1", Sql.value(c, "SELECT 1").orElseThrow(), "the connection goes on");
        }
    }

    @Test
    void shouldKillAQueryRunningOnAnotherNodeThanTheKillers() throws Exception {
        try (Connection reader = connect(GatewayTestInfra.roPort); Connection writer = connect(GatewayTestInfra.rwPort)) {
            ReplicationTopology t = SharedInfra.replicationTopology();
            assertEquals(Integer.toString(t.replicas().getFirst().port()), Sql.value(reader, "SELECT @@port")
                    .orElseThrow());
            long id = reader.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
            CompletableFuture<String> sleeping = sleep(reader.createStatement());
            Waits.until("the SLEEP running on the replica", Duration.ofSeconds(10), () -> sleepingOn() > 0);
            Sql.execute(writer, "KILL QUERY " + id); // carried out on the replica, not on the writer's primary
            assertTrue(sleeping.get(10, TimeUnit.SECONDS).startsWith("1317"));
            assertEquals("1", Sql.value(reader, "SELECT 1").orElseThrow());
            assertEquals("1", Sql.value(writer, "SELECT 1").orElseThrow());
        }
    }

    @Test
    void shouldKillAQueryByTheIdConnectionIdReturnedOnTheSplittingListener() throws Exception {
        // the most common way pools and applications cancel: the id from CONNECTION_ID(), KILL QUERY from another
        // connection; with splitting the SELECT CONNECTION_ID() was answered by a replica
        try (Connection victim = connect(GatewayTestInfra.splitPort);
             Connection killer = mysql(GatewayTestInfra.splitPort)) {
            long id = Long.parseLong(Sql.value(victim, "SELECT CONNECTION_ID()").orElseThrow());
            CompletableFuture<String> sleeping = sleep(victim.createStatement());
            Waits.until("the SLEEP running", Duration.ofSeconds(10), () -> sleepingOn() > 0);
            Sql.execute(killer, "KILL QUERY " + id);
            assertTrue(sleeping.get(10, TimeUnit.SECONDS).startsWith("1317"));
            assertEquals("1", Sql.value(victim, "SELECT 1").orElseThrow(), "the connection goes on");
        }
    }

    @Test
    void shouldCloseTheSessionHoldingABackendThreadOnKillConnection() throws Exception {
        try (Connection victim = connect(GatewayTestInfra.splitPort);
             Connection killer = connect(GatewayTestInfra.splitPort)) {
            victim.setAutoCommit(false); // on the writer: the thread CONNECTION_ID() names is the primary's
            long id = Long.parseLong(Sql.value(victim, "SELECT CONNECTION_ID()").orElseThrow());
            Sql.execute(killer, "KILL CONNECTION " + id);
            assertThrows(SQLException.class, () -> Sql.value(victim, "SELECT 1"), "the killed connection fails");
            assertEquals("1", Sql.value(killer, "SELECT 1").orElseThrow());
        }
    }

    private static Connection mysql(int port) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new com.mysql.cj.jdbc.Driver().connect("jdbc:mysql://127.0.0.1:" + port
                + "/app?sslMode=DISABLED&allowPublicKeyRetrieval=true", p);
    }

    private static CompletableFuture<String> sleep(Statement running) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                running.executeQuery("SELECT SLEEP(30)").close();
                return "finished";
            } catch (SQLException e) {
                return e.getErrorCode() + " " + e.getMessage();
            }
        });
    }

    @Test
    void shouldCloseTheGatewaySessionOnKillConnection() throws Exception {
        try (Connection victim = connect(GatewayTestInfra.rwPort); Connection killer = connect(GatewayTestInfra.rwPort)) {
            long id = victim.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
            Sql.execute(killer, "KILL CONNECTION " + id);
            assertThrows(SQLException.class, () -> Sql.value(victim, "SELECT 1"));
            assertEquals("1", Sql.value(killer, "SELECT 1").orElseThrow());
        }
    }

    private static Connection connect(int port) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
    }

    private static int sleepingOn() throws SQLException {
        ReplicationTopology t = SharedInfra.replicationTopology();
        int n = 0;
        for (var node : t.nodes()) {
            try (Connection admin = node.connect(t.users().admin())) {
                n += Integer.parseInt(Sql.value(admin, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE INFO LIKE 'SELECT SLEEP(30)%'").orElseThrow());
            }
        }
        return n;
    }
}
