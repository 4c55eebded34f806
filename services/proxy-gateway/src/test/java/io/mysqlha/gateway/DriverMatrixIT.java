package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The driver matrix: every program of {@link JdbcCases}, with each JDBC driver (MySQL Connector/J and MariaDB
 * Connector/J, text and server-side prepared statements, and each with the compressed protocol), runs directly against the primary, then through the
 * gateway's pass-through read/write listener, the splitting one (the default configuration: split on, session causal
 * reads) and a splitting one with global causal reads. What each run observed must be the same; a case that differs
 * fails with both transcripts. The one difference by design: with session causal reads, a read of another
 * connection's write may be stale, so those cases are not compared there (and say so).
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class DriverMatrixIT {
    /** A JDBC driver with the options that make it one client of the matrix. */
    record Client(String name, java.sql.Driver driver, String scheme, String options, boolean mysql,
                  Map<String, String> notRun) {
        Client(String name, java.sql.Driver driver, String scheme, String options, boolean mysql) {
            this(name, driver, scheme, options, mysql, Map.of());
        }

        Connection connect(int port, String more) throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", "app");
            p.setProperty("password", "app");
            return driver.connect(url(port, more), p);
        }

        String url(int port, String more) {
            return scheme + "://127.0.0.1:" + port + "/app?" + options + (more.isEmpty() ? "" : "&" + more);
        }
    }

    private static final java.sql.Driver MYSQL = mysqlDriver();

    private static java.sql.Driver mysqlDriver() {
        try {
            return new com.mysql.cj.jdbc.NonRegisteringDriver();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final List<Client> CLIENTS = List.of(
            new Client("MySQL Connector/J", MYSQL, "jdbc:mysql",
                    "sslMode=DISABLED&allowPublicKeyRetrieval=true", true),
            new Client("MySQL Connector/J server-side prepared", MYSQL, "jdbc:mysql",
                    "sslMode=DISABLED&allowPublicKeyRetrieval=true&useServerPrepStmts=true&cachePrepStmts=true", true),
            new Client("MariaDB Connector/J", new org.mariadb.jdbc.Driver(), "jdbc:mariadb", "", false),
            new Client("MariaDB Connector/J server-side prepared", new org.mariadb.jdbc.Driver(), "jdbc:mariadb",
                    "useServerPrepStmts=true", false),
            new Client("MySQL Connector/J compressed", MYSQL, "jdbc:mysql",
                    "sslMode=DISABLED&allowPublicKeyRetrieval=true&useCompression=true", true),
            new Client("MariaDB Connector/J compressed server-side prepared", new org.mariadb.jdbc.Driver(),
                    "jdbc:mariadb", "useCompression=true&useServerPrepStmts=true", false, Map.of(
                            "LOAD DATA LOCAL INFILE", "directly, MariaDB 10.11 answers this driver's compressed file"
                                    + " packets with 1156 Got packets out of order and the connection ends; through"
                                    + " the gateway the file loads (docs/gateway-compatibility.md)")));

    @BeforeAll
    static void serversAcceptBigPackets() throws SQLException {
        GatewayTestInfra.awaitListening();
        ReplicationTopology t = SharedInfra.replicationTopology();
        for (MariaDbNode node : t.nodes()) { // reads of the driver's settings may come from any node
            try (Connection c = node.connect(t.users().admin())) {
                Sql.execute(c, "SET GLOBAL max_allowed_packet = 67108864", "SET GLOBAL local_infile = ON");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseGivesTheSameOutcomeDirectlyAndThroughTheGateway() {
        int direct = SharedInfra.replicationTopology().primary().port();
        List<DynamicTest> tests = new ArrayList<>();
        // -Dmatrix.only=<regex> runs the "client: case" names it finds, when working on one
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(System.getProperty("matrix.only", ""));
        for (Client client : CLIENTS) {
            for (JdbcCases.Case c : JdbcCases.ALL) {
                if (!only.matcher(client.name() + ": " + c.name()).find()) {
                    continue;
                }
                if (client.notRun().containsKey(c.name())) {
                    System.out.printf("not run: %s, %s: %s%n", client.name(), c.name(), client.notRun().get(c.name()));
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(client.name() + ": " + c.name(), () -> {
                    String expected = run(client, c, direct);
                    assertSame(client, c, "directly", expected, "through the pass-through listener",
                            run(client, c, GatewayTestInfra.rwPort));
                    String split = run(client, c, GatewayTestInfra.splitPort);
                    if (c.acrossConnections()) {
                        // by design (docs/gateway-compatibility.md): session causal reads do not wait for another
                        // connection's writes, so whether such a read is stale is a race; global ones must not be
                        System.out.printf("not compared through the splitting listener (session causal reads): %s,"
                                + " %s reads another connection's writes%n", client.name(), c.name());
                    } else {
                        assertSame(client, c, "directly", expected, "through the splitting listener", split);
                    }
                    assertSame(client, c, "directly", expected, "through the splitting listener with global causal"
                            + " reads", run(client, c, GatewayTestInfra.globalSplitPort));
                }));
            }
        }
        return tests.stream();
    }

    private static void assertSame(Client client, JdbcCases.Case c, String how, String expected, String other,
                                   String got) {
        assertEquals(expected, got, () -> client.name() + ", " + c.name() + ": the outcome " + other
                + " differs from the one " + how + "\n--- " + how + "\n" + expected + "--- " + other + "\n" + got);
    }

    /** One run of a case on a fresh connection; what it observed, or the exception that ended it. */
    private static String run(Client client, JdbcCases.Case c, int port) throws Exception {
        Transcript out = new Transcript();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Connection first = client.connect(port, c.options());
            opened.add(first);
            c.body().run(new JdbcCases.Session() {
                @Override
                public Connection c() {
                    return first;
                }

                @Override
                public Connection open(String options) throws SQLException {
                    Connection more = client.connect(port, c.options() + (options.isEmpty() ? "" : "&" + options));
                    opened.add(more);
                    return more;
                }

                @Override
                public void awaitRunning(String marker) {
                    Waits.until("a statement with " + marker + " running", Duration.ofSeconds(20),
                            () -> running(marker));
                }

                @Override
                public boolean mysqlDriver() {
                    return client.mysql();
                }

                @Override
                public javax.sql.DataSource pool(int size) {
                    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
                    config.setJdbcUrl(client.url(port, c.options()));
                    config.setDriverClassName(client.driver().getClass().getName());
                    config.setUsername("app");
                    config.setPassword("app");
                    config.setMaximumPoolSize(size);
                    config.setMinimumIdle(size);
                    config.setPoolName("matrix-" + port);
                    com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
                    opened.add(pool);
                    return pool;
                }
            }, out);
        } catch (SQLException e) {
            out.error("ended by", e);
        } finally {
            for (AutoCloseable o : opened) {
                try {
                    o.close();
                } catch (Exception e) {
                    // closed by the case (killed) or by the server: nothing more to observe
                }
            }
        }
        return out.text();
    }

    private static boolean running(String marker) throws SQLException {
        ReplicationTopology t = SharedInfra.replicationTopology();
        for (MariaDbNode node : t.nodes()) {
            try (Connection admin = node.connect(t.users().admin())) {
                if (!Sql.value(admin, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%"
                        + marker + "%' AND INFO NOT LIKE '%PROCESSLIST%'").orElseThrow().equals("0")) {
                    return true;
                }
            }
        }
        return false;
    }
}
