package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real drivers through the gateway's read/write listener to the real semi-sync primary: MariaDB Connector/J and
 * MySQL Connector/J, plain and server-side prepared statements, transactions, batches, large results, and a row
 * larger than 16 MiB in both directions (a client packet and a server row split into several frames).
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayClientsIT {
    private static final int BIG = 17 * 1024 * 1024 + 123;

    @BeforeAll
    static void allowBigPackets() throws SQLException {
        GatewayTestInfra.awaitListening();
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = t.primary().connect(t.users().admin())) {
            Sql.execute(c, "SET GLOBAL max_allowed_packet = 67108864",
                    "CREATE TABLE IF NOT EXISTS app.clients (id INT PRIMARY KEY, driver VARCHAR(20), v LONGBLOB)");
        }
    }

    static Connection mariadb(String options) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + GatewayTestInfra.rwPort
                + "/app?" + options, p);
    }

    private static Connection mysql(String options) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new com.mysql.cj.jdbc.Driver().connect("jdbc:mysql://127.0.0.1:" + GatewayTestInfra.rwPort
                + "/app?sslMode=DISABLED&allowPublicKeyRetrieval=true&" + options, p);
    }

    @Test
    void shouldServeMariaDbConnectorJWithServerSidePreparedStatements() throws Exception {
        try (Connection c = mariadb("useServerPrepStmts=true")) {
            exercise(c, "mariadb", 1_000);
        }
    }

    @Test
    void shouldServeMysqlConnectorJ() throws Exception {
        try (Connection c = mysql("useServerPrepStmts=true&cachePrepStmts=true")) {
            exercise(c, "mysql", 2_000);
        }
        try (Connection c = mysql("useServerPrepStmts=false")) {
            exercise(c, "mysql-text", 3_000);
        }
    }

    @Test
    void shouldServeACursorFetchedInSteps() throws Exception {
        // MySQL Connector/J with useCursorFetch: COM_STMT_EXECUTE opens a cursor, each COM_STMT_FETCH brings 7 rows
        try (Connection c = mysql("useCursorFetch=true&defaultFetchSize=7")) {
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM clients WHERE driver = 'cursor'");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (id, driver, v) VALUES (?, 'cursor', ?)")) {
                for (int i = 0; i < 50; i++) {
                    ps.setInt(1, 4_000 + i);
                    ps.setBytes(2, ("row " + i).getBytes());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            for (int pass = 0; pass < 2; pass++) { // the session goes on after a cursor: once more, on the same one
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, v FROM clients WHERE driver = ? ORDER BY id")) {
                    ps.setString(1, "cursor");
                    int rows = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            assertEquals(4_000 + rows, rs.getInt(1));
                            assertEquals("row " + rows, new String(rs.getBytes(2)));
                            rows++;
                        }
                    }
                    assertEquals(50, rows, "every row, 7 per fetch");
                }
            }
            assertEquals(50, count(c, "cursor"));
        }
    }

    /** Transactions, a batch, a large result, and a 17 MiB value written and read back. */
    private static void exercise(Connection c, String driver, int base) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM clients WHERE driver = '" + driver + "'");
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (id, driver, v) VALUES (?, ?, ?)")) {
            for (int i = 0; i < 100; i++) {
                ps.setInt(1, base + i);
                ps.setString(2, driver);
                ps.setBytes(3, ("row " + i).getBytes());
                ps.addBatch();
            }
            assertEquals(100, ps.executeBatch().length);
        }
        c.rollback();
        assertEquals(0, count(c, driver), "rolled back");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (id, driver, v) VALUES (?, ?, ?)")) {
            for (int i = 0; i < 500; i++) {
                ps.setInt(1, base + i);
                ps.setString(2, driver);
                ps.setBytes(3, ("row " + i).getBytes());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
        assertEquals(500, count(c, driver), "committed");

        try (PreparedStatement ps = c.prepareStatement("SELECT id, v FROM clients WHERE driver = ? ORDER BY id");
             Statement join = c.createStatement()) {
            ps.setString(1, driver);
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertEquals(base + rows, rs.getInt(1));
                    rows++;
                }
            }
            assertEquals(500, rows);
            // a large result: 500 x 500 rows of 40 bytes, about 10 MB over many TCP writes
            try (ResultSet rs = join.executeQuery("SELECT a.id, b.id, REPEAT('x', 40) FROM clients a, clients b"
                    + " WHERE a.driver = '" + driver + "' AND b.driver = '" + driver + "'")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertEquals(250_000, n);
            }
        }

        byte[] big = new byte[BIG];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (id, driver, v) VALUES (?, ?, ?)")) {
            ps.setInt(1, base + 999);
            ps.setString(2, driver);
            ps.setBytes(3, big);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT v, LENGTH(v) FROM clients WHERE id = ?")) {
            ps.setInt(1, base + 999);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(BIG, rs.getInt(2));
                assertArrayEquals(big, rs.getBytes(1), "17 MiB back byte for byte");
                assertFalse(rs.next());
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM clients WHERE driver = '" + driver + "'");
        }
    }

    private static int count(Connection c, String driver) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM clients WHERE driver = '" + driver + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
