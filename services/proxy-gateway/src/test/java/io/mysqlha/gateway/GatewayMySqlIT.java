package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.MySqlNode;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway in front of MySQL 9.7 with MySQL's defaults: every user is caching_sha2_password, which the gateway
 * speaks towards the nodes, on the fast path and with full authentication (the node's RSA key) when a node's
 * cache is empty, as after a restart or FLUSH PRIVILEGES.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayMySqlIT {

    @BeforeAll
    static void listening() throws SQLException {
        GatewayTestInfra.awaitListening();
        MySqlTopology t = SharedInfra.mysqlTopology();
        try (Connection c = t.primary().connect(t.users().admin())) {
            Sql.execute(c, "CREATE USER IF NOT EXISTS '" + GatewayTestInfra.HASH_ONLY + "'@'127.0.0.1' IDENTIFIED BY '"
                    + GatewayTestInfra.HASH_ONLY + "'", "GRANT SELECT ON app.* TO '" + GatewayTestInfra.HASH_ONLY
                    + "'@'127.0.0.1'");
        }
        t.awaitReplicated(java.time.Duration.ofSeconds(30));
    }

    static Connection connect(int port, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return new com.mysql.cj.jdbc.NonRegisteringDriver().connect("jdbc:mysql://127.0.0.1:" + port
                + "/app?sslMode=DISABLED&allowPublicKeyRetrieval=true", p);
    }

    @Test
    void logsInToMySqlNodesWithCachingSha2PasswordAlsoWhenTheirCacheIsEmpty() throws Exception {
        MySqlTopology t = SharedInfra.mysqlTopology();
        for (MySqlNode n : t.nodes()) {
            try (Connection c = n.connect(t.users().admin())) {
                assertEquals("caching_sha2_password", Sql.value(c, "SELECT plugin FROM mysql.user WHERE user = 'app'"
                        + " AND host = '127.0.0.1'").orElseThrow());
                Sql.execute(c, "FLUSH PRIVILEGES"); // empties the node's cache: the next login is a full one
            }
        }
        for (int port : new int[] {GatewayTestInfra.mysqlRwPort, GatewayTestInfra.mysqlSplitPort}) {
            for (int i = 0; i < 2; i++) { // the first login is a full authentication, the second a fast one
                try (Connection c = connect(port, "app", "app")) {
                    String version = Sql.value(c, "SELECT @@version").orElseThrow();
                    assertTrue(version.startsWith("9.7"), version);
                    assertEquals("app@127.0.0.1", Sql.value(c, "SELECT CURRENT_USER()").orElseThrow());
                }
            }
        }
    }

    @Test
    void aUserKnownOnlyByItsNativeHashIsRefusedNamingWhatToChange() throws SQLException {
        // a free pooled connection first: the login tries COM_CHANGE_USER there, then a connection of its own
        connect(GatewayTestInfra.mysqlRwPort, "app", "app").close();
        SQLException e = assertThrows(SQLException.class,
                () -> connect(GatewayTestInfra.mysqlRwPort, GatewayTestInfra.HASH_ONLY, GatewayTestInfra.HASH_ONLY)
                        .close());
        assertTrue(e.getMessage().contains("user hash_only authenticates with caching_sha2_password")
                && e.getMessage().contains("user:password"), e.getMessage());
    }

    @Test
    void speaksZstdCompressionToAClientThatAsksForIt() throws Exception {
        try (RawClient c = new RawClient(GatewayTestInfra.mysqlRwPort)) {
            c.zstd = true;
            byte[] ok = c.login("app", "app", io.mysqlha.protocol.Capabilities.ZSTD_COMPRESSION);
            assertEquals(0, ok[1], "an uncompressed OK ends the login: " + java.util.Arrays.toString(ok));
            byte[] query = "SELECT REPEAT('x', 5000)".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] frame = new byte[4 + 1 + query.length];
            frame[0] = (byte) (query.length + 1);
            frame[4] = 3; // COM_QUERY
            System.arraycopy(query, 0, frame, 5, query.length);
            c.sendCompressed(0, frame, 0);
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 10 && !seen.toString().contains("x".repeat(5000)); i++) {
                byte[] packet = c.compressedPacket(); // zstd-decompressed by the client: it fails on anything else
                seen.append(new String(packet, 1, packet.length - 1, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            assertTrue(seen.toString().contains("x".repeat(5000)), "the row, decompressed: " + seen);
        }
    }
}
