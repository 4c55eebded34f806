package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The splitting read/write listener on the real semi-sync topology: reads to replicas outside transactions,
 * everything else and everything inside one to the primary, a session never reads its own write stale, prepared
 * statements through both JDBC drivers, and pinned sessions say why.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewaySplitIT {
    private static final DbUsers USERS = DbUsers.LOCAL;

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    private static Connection split() throws SQLException {
        return Sql.connect("127.0.0.1", GatewayTestInfra.splitPort, USERS.app(), 5_000);
    }

    private static Properties app() {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return p;
    }

    /** MariaDB Connector/J on the splitting listener, with server-side prepared statements. */
    private static Connection mariadb() throws SQLException {
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + GatewayTestInfra.splitPort
                + "/app?useServerPrepStmts=true", app());
    }

    /** MySQL Connector/J on the splitting listener (which does not ask for session tracking). */
    private static Connection mysql(String options) throws SQLException {
        return new com.mysql.cj.jdbc.Driver().connect("jdbc:mysql://127.0.0.1:" + GatewayTestInfra.splitPort
                + "/app?sslMode=DISABLED&allowPublicKeyRetrieval=true" + options, app());
    }

    private static Set<Integer> replicaIds(GtidTopology t) {
        return t.replicas().stream().map(ServerNode::serverId).collect(Collectors.toSet());
    }

    private static int serverId(Connection c, String query) throws SQLException {
        return Integer.parseInt(Sql.value(c, query).orElseThrow());
    }

    @Test
    void readsGoToAReplicaOutsideATransactionAndToThePrimaryInsideOne() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = split()) {
            int outside = serverId(c, "SELECT @@server_id");
            assertTrue(replicaIds(t).contains(outside), "outside a transaction a replica answers; got " + outside);
            Sql.execute(c, "BEGIN");
            assertEquals(t.primary().serverId(), serverId(c, "SELECT @@server_id"), "inside a transaction");
            Sql.execute(c, "COMMIT");
            assertTrue(replicaIds(t).contains(serverId(c, "SELECT @@server_id")), "after COMMIT a replica again");
            c.setAutoCommit(false);
            assertEquals(t.primary().serverId(), serverId(c, "SELECT @@server_id"), "autocommit=0 is a transaction");
            c.rollback();
            c.setAutoCommit(true);
            assertEquals(t.primary().serverId(), serverId(c, "SELECT @@server_id FOR UPDATE"), "FOR UPDATE");
            assertEquals(t.primary().serverId(), serverId(c, "SELECT @@server_id FROM (SELECT 1) AS rule_target"),
                    "the spec's query rule sends this digest to the writer");
            assertTrue(replicaIds(t).contains(serverId(c, "SELECT @@server_id")));
        }
        var rules = given().get("/gateway/rules").then().statusCode(200).extract().jsonPath();
        assertTrue(rules.getInt("find { it.cluster == '" + GatewayTestInfra.SPLIT + "' && it.name == 'rule-target' }"
                + ".hits") >= 1, rules.prettify());
    }

    @Test
    void sessionStateIsCarriedToTheReader() throws Exception {
        try (Connection c = split()) {
            Sql.execute(c, "SET time_zone = '+05:30'", "SET sql_big_selects = 0", "USE mysql");
            assertEquals("+05:30", Sql.value(c, "SELECT @@time_zone").orElseThrow());
            assertEquals("0", Sql.value(c, "SELECT @@sql_big_selects").orElseThrow(), "a spec-listed variable");
            assertEquals("mysql", Sql.value(c, "SELECT DATABASE()").orElseThrow());
            Sql.execute(c, "SET NAMES utf8mb3"); // MariaDB Connector/J 3.5.11 closes a connection set to latin1
            assertEquals("utf8mb3", Sql.value(c, "SELECT @@character_set_client").orElseThrow());
            assertNotEquals(null, readerOf(c), "those reads went to a reader");
        }
    }

    @Test
    void aSessionAlwaysReadsItsOwnWriteEvenWhileReplicasLag() throws Exception {
        readsOwnWritesWhileReplicasLag(GatewayTestInfra.splitPort, GatewayTestInfra.SPLIT, "session");
    }

    @Test
    void aSessionReadsItsOwnWriteWithGlobalCausalReadsToo() throws Exception {
        readsOwnWritesWhileReplicasLag(GatewayTestInfra.globalSplitPort, GatewayTestInfra.GLOBAL_SPLIT, "global");
    }

    @Test
    void onMysqlASessionReadsItsOwnWriteWhileReplicasLag() throws Exception {
        // session_track_gtids=OWN_GTID on the writer's connection, WAIT_FOR_EXECUTED_GTID_SET on the reader's
        readsOwnWritesWhileReplicasLag(GatewayTestInfra.mysqlSplitPort, GatewayTestInfra.MYSQL_SPLIT, "MySQL session",
                SharedInfra.mysqlTopology());
    }

    @Test
    void onMysqlGlobalCausalReadsWaitForTheWritersGtidExecuted() throws Exception {
        readsOwnWritesWhileReplicasLag(GatewayTestInfra.mysqlGlobalSplitPort, GatewayTestInfra.MYSQL_GLOBAL_SPLIT,
                "MySQL global", SharedInfra.mysqlTopology());
    }

    private static void readsOwnWritesWhileReplicasLag(int port, String cluster, String mode) throws Exception {
        readsOwnWritesWhileReplicasLag(port, cluster, mode, SharedInfra.replicationTopology());
    }

    private static void readsOwnWritesWhileReplicasLag(int port, String cluster, String mode, GtidTopology t)
            throws Exception {
        try (Connection admin = t.primary().connect(USERS.admin())) {
            Sql.execute(admin, "CREATE TABLE IF NOT EXISTS app.causal (id INT PRIMARY KEY, v INT)");
        }
        AtomicInteger pauses = new AtomicInteger();
        int base = (int) (System.nanoTime() % 1_000_000) * 1000;
        int fromReplica = 0;
        int mysqlFromReplica = 0;
        // MySQL Connector/J does not ask for session tracking (trackSessionState=false): the gateway does
        try (Connection maria = Sql.connect("127.0.0.1", port, USERS.app(), 5_000);
             Connection mysql = new com.mysql.cj.jdbc.Driver().connect("jdbc:mysql://127.0.0.1:" + port
                     + "/app?sslMode=DISABLED&allowPublicKeyRetrieval=true", app())) {
            for (int i = 0; i < 150; i++) {
                if (i % 10 == 0) {
                    // the replicas' SQL threads stop for ten writes, then run for ten: they lag by design
                    sqlThreads(t, i % 20 == 0 ? "STOP" : "START");
                    if (i % 20 == 0) {
                        pauses.incrementAndGet();
                    }
                }
                Connection c = i < 100 ? maria : mysql;
                int id = base + i;
                Sql.execute(c, "INSERT INTO app.causal VALUES (" + id + ", " + i + ")");
                assertEquals(Integer.toString(i), Sql.value(c, "SELECT v FROM app.causal WHERE id = " + id)
                        .orElse("missing"), "read " + i + " of its own write");
                if (replicaIds(t).contains(serverId(c, "SELECT @@server_id"))) {
                    fromReplica++;
                    if (c == mysql) {
                        mysqlFromReplica++;
                    }
                }
            }
        } finally {
            sqlThreads(t, "START");
        }
        System.out.printf(mode + " causal reads: 150 inserts (100 MariaDB Connector/J, 50 MySQL Connector/J) each read back"
                + " at once, %d SQL-thread pauses of 10 writes each, %d of the following @@server_id reads answered by a replica (%d of"
                + " MySQL Connector/J's 50)%n", pauses.get(), fromReplica, mysqlFromReplica);
        assertTrue(mysqlFromReplica > 0, "a client without session tracking still reads from replicas after writes");
        String metrics = given().get("/q/metrics").then().extract().asString();
        metrics.lines().filter(l -> l.startsWith("mysqlha_gateway_causal_wait_seconds_count")
                && l.contains(cluster)).forEach(l -> System.out.println("  " + l));
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("mysqlha_gateway_causal_wait_seconds_count")
                && l.contains("outcome=\"applied\"") && l.contains(cluster) && !l.endsWith(" 0.0")),
                "reads waited for replicas to apply the session's writes");
        assertTrue(pauses.get() > 0, "the replicas lagged during the run");
    }

    @Test
    void preparedStatementsWorkThroughBothDriversWithSplittingOn() throws Exception {
        try (Connection maria = mariadb(); Connection mysql = mysql("&useServerPrepStmts=true&cachePrepStmts=true")) {
            for (Connection c : List.of(maria, mysql)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS app.split_ps (id INT PRIMARY KEY, name VARCHAR(20))");
                }
                int base = c == maria ? 1_000 : 2_000;
                try (PreparedStatement insert = c.prepareStatement("REPLACE INTO app.split_ps VALUES (?, ?)");
                     PreparedStatement select = c.prepareStatement("SELECT name FROM app.split_ps WHERE id = ?")) {
                    for (int i = 0; i < 20; i++) {
                        insert.setInt(1, base + i);
                        insert.setString(2, "n" + i);
                        assertTrue(insert.executeUpdate() >= 1);
                        select.setInt(1, base + i);
                        try (ResultSet rs = select.executeQuery()) {
                            assertTrue(rs.next(), "row " + (base + i));
                            assertEquals("n" + i, rs.getString(1));
                        }
                    }
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM"
                        + " app.split_ps WHERE id >= " + base + " AND id < " + (base + 20))) {
                    assertTrue(rs.next());
                }
            }
        }
    }

    @Test
    void aStatementPreparedForReadsExecutesOnAReplicaAndSurvivesAMoveOfTheWriter() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection maria = mariadb(); Connection mysql = mysql("&useServerPrepStmts=true&cachePrepStmts=true")) {
            for (Connection c : List.of(maria, mysql)) {
                try (PreparedStatement read = c.prepareStatement("SELECT @@server_id, ? + 1");
                     PreparedStatement locking = c.prepareStatement("SELECT @@server_id FROM DUAL FOR UPDATE")) {
                    for (int i = 0; i < 5; i++) {
                        read.setInt(1, i);
                        try (ResultSet rs = read.executeQuery()) {
                            assertTrue(rs.next());
                            // MariaDB Connector/J sends the first execute pipelined behind the prepare, as "the
                            // statement just prepared": that one runs where the prepare did, on the primary
                            assertTrue(i == 0 || replicaIds(t).contains(rs.getInt(1)), "a prepared read on a replica"
                                    + " (execute " + i + ")");
                            assertEquals(i + 1, rs.getInt(2));
                        }
                        try (ResultSet rs = locking.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals(t.primary().serverId(), rs.getInt(1), "a prepared locking read");
                        }
                    }
                    c.setAutoCommit(false);
                    read.setInt(1, 7);
                    try (ResultSet rs = read.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(t.primary().serverId(), rs.getInt(1), "in a transaction: the primary");
                    }
                    c.commit();
                    c.setAutoCommit(true);
                }
            }
            // the writer moves (as after a failover): statements prepared before are prepared again there
            try (PreparedStatement locking = maria.prepareStatement("SELECT @@server_id, ? FROM DUAL FOR UPDATE")) {
                locking.setString(1, "before");
                try (ResultSet rs = locking.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(t.primary().serverId(), rs.getInt(1));
                }
                MariaDbNode next = t.replicas().getLast();
                GatewayTestInfra.routeSplit(next, List.of(t.replicas().getFirst()));
                try {
                    Waits.until("the session on the new writer", Duration.ofSeconds(10), () -> {
                        locking.setString(1, "after");
                        try (ResultSet rs = locking.executeQuery()) {
                            return rs.next() && rs.getInt(1) == next.serverId() && rs.getString(2).equals("after");
                        }
                    });
                } finally {
                    GatewayTestInfra.routeSplit(t.primary(), t.replicas());
                }
            }
        }
    }

    @Test
    void aPinnedSessionShowsWhyAndStaysOnThePrimary() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = split()) {
            assertTrue(replicaIds(t).contains(serverId(c, "SELECT @@server_id")));
            Sql.execute(c, "SET @cart = 42");
            assertEquals("42", Sql.value(c, "SELECT @cart").orElseThrow(), "the variable is where it was set");
            assertEquals(t.primary().serverId(), serverId(c, "SELECT @@server_id"), "pinned: the primary answers");
            String id = Sql.value(c, "SELECT CONNECTION_ID()").orElseThrow();
            Waits.until("the session listed as pinned", Duration.ofSeconds(5), () -> {
                JsonPath sessions = given().get("/gateway/sessions").then().statusCode(200).extract().jsonPath();
                return sessions.getList("pinnedBecause").contains("user variables");
            });
        }
        try (Connection c = split()) {
            Sql.execute(c, "SET some_unknown_variable_for_test = 1");
        } catch (SQLException expected) {
            // the node refuses the unknown variable; the point is only that nothing breaks
        }
        try (Connection c = split()) {
            Sql.execute(c, "SET SESSION optimizer_prune_level = 1");
            assertEquals(t.primary().serverId(), serverId(c, "SELECT @@server_id"), "a SET not carried pins");
            Waits.until("the SET listed as the reason", Duration.ofSeconds(5), () -> given().get("/gateway/sessions")
                    .then().extract().jsonPath().getList("pinnedBecause").contains("SET optimizer_prune_level"));
        }
    }

    @Test
    void anIdleSessionGivesItsBackendsBackAndGetsThemAgainWithItsState() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = mariadb()) {
            Sql.execute(c, "SET time_zone = '-03:00'", "USE mysql");
            c.setAutoCommit(false);
            c.commit();
            try (PreparedStatement ps = c.prepareStatement("SELECT @@time_zone, DATABASE(), @@autocommit, ?")) {
                ps.setString(1, "before");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                }
                String id = Sql.value(c, "SELECT CONNECTION_ID()").orElseThrow();
                c.commit();
                Waits.until("the idle session without backends", Duration.ofSeconds(15), () -> given()
                        .get("/gateway/sessions").then().extract().jsonPath()
                        .getList("findAll { it.cluster == '" + GatewayTestInfra.SPLIT + "' && it.backend == null }")
                        .size() > 0);
                ps.setString(1, "after");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("-03:00", rs.getString(1));
                    assertEquals("mysql", rs.getString(2));
                    assertEquals("0", rs.getString(3), "autocommit stays off");
                    assertEquals("after", rs.getString(4));
                }
                assertNotEquals(id, Sql.value(c, "SELECT CONNECTION_ID()").orElseThrow(), "a new connection");
                c.commit();
            }
        }
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("mysqlha_gateway_backend_releases_total")
                && l.contains(GatewayTestInfra.SPLIT) && !l.endsWith(" 0.0")), "releases counted");
    }

    @Test
    void whatTheLexerCannotReadGoesToTheWriterAndIsCountedAndAMegabyteStatementPasses() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = split()) {
            SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> Sql.value(c, "SELECT 'never closed FROM t"));
            assertEquals(1064, refused.getErrorCode(), "the primary's own syntax error: " + refused.getMessage());
            String big = "SELECT LENGTH('" + "x".repeat(1 << 20) + "') /* " + "/* ".repeat(10_000) + " */";
            assertEquals(Integer.toString(1 << 20), Sql.value(c, big).orElseThrow(), "past the 64 KiB looked into:"
                    + " the writer answers");
            assertTrue(replicaIds(t).contains(serverId(c, "SELECT @@server_id")), "the session still splits");
        }
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("mysqlha_gateway_unclassified_statements_total")
                && l.contains(GatewayTestInfra.SPLIT) && !l.endsWith(" 0.0")), "unclassified statements counted");
        // all of them: the driver matrices before this test add thousands
        String digests = given().queryParam("limit", 20_000).get("/gateway/digests").then().statusCode(200).extract()
                .asString();
        assertTrue(digests.contains("\"digestText\":\"SELECT @@server_id\"") && digests.contains("\"route\":\"reader\""),
                digests.length() > 2_000 ? digests.substring(0, 2_000) : digests);
    }

    private static void sqlThreads(GtidTopology t, String stopOrStart) throws SQLException {
        for (ServerNode r : t.replicas()) {
            try (Connection a = r.connect(USERS.admin())) {
                Sql.execute(a, stopOrStart + " REPLICA SQL_THREAD"); // both flavours' spelling (MariaDB 10.5+)
            }
        }
    }

    /** The reader the session with this connection's gateway id uses, from the admin API. */
    private static String readerOf(Connection c) throws SQLException {
        JsonPath sessions = given().get("/gateway/sessions").then().statusCode(200).extract().jsonPath();
        List<String> readers = sessions.getList("findAll { it.cluster == '" + GatewayTestInfra.SPLIT + "' }.reader");
        return readers.stream().filter(r -> r != null).findFirst().orElse(null);
    }
}
