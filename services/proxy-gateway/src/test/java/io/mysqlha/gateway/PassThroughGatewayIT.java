package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class PassThroughGatewayIT {
    private final DbUsers users = DbUsers.LOCAL;

    @org.junit.jupiter.api.BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    @Test
    void shouldPassTheReadWriteListenerThroughToThePrimary() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = Sql.connect("127.0.0.1", GatewayTestInfra.rwPort, users.app(), 5_000)) {
            assertEquals(Integer.toString(t.primary().port()), Sql.value(c, "SELECT @@port").orElseThrow());
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS app.gw (id INT PRIMARY KEY, v MEDIUMTEXT)",
                    "REPLACE INTO app.gw VALUES (1, REPEAT('x', 300000))");
            // A 300 kB row crosses many TCP reads and writes: backpressure and framing must keep every byte.
            assertEquals("300000", Sql.value(c, "SELECT LENGTH(v) FROM app.gw WHERE id = 1").orElseThrow());
        }
    }

    @Test
    void shouldPassTheReadOnlyListenerThroughToAReplica() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = Sql.connect("127.0.0.1", GatewayTestInfra.roPort, users.app(), 5_000)) {
            assertEquals(Integer.toString(t.replicas().getFirst().port()), Sql.value(c, "SELECT @@port").orElseThrow());
            assertEquals("1", Sql.value(c, "SELECT @@read_only").orElseThrow());
        }
    }

    @Test
    void shouldRefuseConnectionsPastTheLimitWithMysqlsError1040() throws Exception {
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < GatewayTestInfra.MAX_CONNECTIONS; i++) {
                open.add(Sql.connect("127.0.0.1", GatewayTestInfra.rwPort, users.app(), 5_000));
            }
            SQLException e = assertThrows(SQLException.class,
                    () -> Sql.connect("127.0.0.1", GatewayTestInfra.rwPort, users.app(), 5_000).close());
            assertEquals(1040, e.getErrorCode(), e.getMessage());
            assertTrue(e.getMessage().contains("Too many connections"), e.getMessage());
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        Waits.until("open connections back to 0", Duration.ofSeconds(10), () -> given().get("/q/metrics").asString()
                .contains("mysqlha_gateway_client_connections{cluster=\"" + GatewayTestInfra.CLUSTER
                        + "\",listener=\"rw\"} 0.0"));
        given().get("/q/metrics").then()
                .body(containsString("mysqlha_gateway_connections_total{cluster=\"" + GatewayTestInfra.CLUSTER
                        + "\",listener=\"rw\",result=\"too_many_connections\"}"));
    }

    @Test
    void shouldStayReadyAndSayWhatItListensOn() {
        given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("gateway-listeners"))
                .body(containsString("127.0.0.1:" + GatewayTestInfra.rwPort))
                .body(containsString("\"topology\": \"loaded\""));
    }

    @Test
    void shouldShowRoutesSessionsAndStatementFigures() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        String primary = "127.0.0.1:" + t.primary().port();
        try (Connection c = Sql.connect("127.0.0.1", GatewayTestInfra.rwPort, users.app(), 5_000)) {
            String backendId = Sql.value(c, "SELECT CONNECTION_ID()").orElseThrow();
            given().get("/gateway/sessions").then().statusCode(200)
                    .body("find { it.backendThreadId == " + backendId + " }.user", org.hamcrest.Matchers.equalTo("app"))
                    .body("find { it.backendThreadId == " + backendId + " }.backend",
                            org.hamcrest.Matchers.equalTo(primary))
                    .body("find { it.backendThreadId == " + backendId + " }.cluster",
                            org.hamcrest.Matchers.equalTo(GatewayTestInfra.CLUSTER));
        }
        given().get("/gateway/routes").then().statusCode(200)
                .body("find { it.name == 'rw' }.writer", containsString(primary))
                .body("find { it.name == 'rw' }.generation", org.hamcrest.Matchers.notNullValue());
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("mysqlha_gateway_statements_total{cluster=\"" + GatewayTestInfra.CLUSTER
                + "\",listener=\"rw\",node=\"" + primary + "\"}"), "statements by node");
        assertTrue(metrics.contains("mysqlha_gateway_backend_connects_total{cluster=\"" + GatewayTestInfra.CLUSTER
                + "\",listener=\"rw\",node=\"" + primary + "\",result=\"ok\"}"), "backend connects");
        assertTrue(metrics.contains("mysqlha_gateway_errors_total{cause=\"hold_timeout\",cluster=\""
                + GatewayTestInfra.CLUSTER + "\",listener=\"rw\"}"), "errors by cause");
        assertTrue(metrics.contains("mysqlha_gateway_hold_seconds_count"), "hold time");
        assertTrue(metrics.contains("mysqlha_gateway_topology_stale_generations_total"), "stale generations");
        given().get("/q/openapi").then().statusCode(200).body(containsString("/gateway/sessions"));
    }
}
