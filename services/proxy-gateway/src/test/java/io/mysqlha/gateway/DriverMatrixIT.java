package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.gateway.GatewayTestInfra.Backend;
import io.mysqlha.testsupport.servers.ServerNode;
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
 * The driver matrix, on MariaDB 10.11 and on MySQL 9.7 nodes: every program of {@link JdbcCases}, with each JDBC driver (MySQL Connector/J and MariaDB
 * Connector/J, text and server-side prepared statements, and each with the compressed protocol), runs directly against the primary, then through the
 * gateway's pass-through read/write listener, the splitting one (the default configuration: split on, session causal
 * reads) and a splitting one with global causal reads. What each run observed must be the same; a case that differs
 * fails with both transcripts. The one difference by design: with session causal reads, a read of another
 * connection's write may be stale, so those cases are not compared there (and say so).
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class DriverMatrixIT {
    /**
     * A JDBC driver with the options that make it one client of the matrix; {@code notRun}: "nodes: case" that
     * cannot be compared, and why.
     */
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

        /** The same client, named with the nodes it runs on (for messages). */
        Client on(Backend backend) {
            return new Client(backend.name() + ", " + name, driver, scheme, options, mysql, notRun);
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

    private static final String COMPRESSED_INFILE = "directly, the server (MariaDB 10.11 and MySQL 9.7 alike)"
            + " answers this driver's compressed file packets with 1156 Got packets out of order and the connection ends;"
            + " through the gateway the file loads (docs/gateway-compatibility.md)";

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
                            "MariaDB 10.11: LOAD DATA LOCAL INFILE", COMPRESSED_INFILE,
                            "MySQL 9.7: LOAD DATA LOCAL INFILE", COMPRESSED_INFILE,
                            "MariaDB 10.11: LOAD DATA LOCAL INFILE of 20 MiB", COMPRESSED_INFILE,
                            "MySQL 9.7: LOAD DATA LOCAL INFILE of 20 MiB", COMPRESSED_INFILE)));

    @BeforeAll
    static void serversAcceptBigPackets() throws SQLException {
        GatewayTestInfra.awaitListening();
        for (Backend backend : GatewayTestInfra.BACKENDS) { // reads of the driver's settings may come from any node
            backend.onEveryNode("SET GLOBAL max_allowed_packet = 67108864", "SET GLOBAL local_infile = ON");
        }
        GatewayTestInfra.mysqlSequenceTables();
    }

    @TestFactory
    Stream<DynamicTest> everyCaseGivesTheSameOutcomeDirectlyAndThroughTheGateway() {
        List<DynamicTest> tests = new ArrayList<>();
        // -Dmatrix.only=<regex> runs the "nodes, client: case" names it finds, when working on one (-Dmatrix.print=true
        // prints each outcome)
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(System.getProperty("matrix.only", ""));
        for (Backend backend : GatewayTestInfra.BACKENDS) {
            for (Client client : CLIENTS) {
                for (JdbcCases.Case c : JdbcCases.ALL) {
                    String name = backend.name() + ", " + client.name() + ": " + c.name();
                    if (!only.matcher(name).find()) {
                        continue;
                    }
                    String why = client.notRun().get(backend.name() + ": " + c.name());
                    if (why != null) {
                        System.out.printf("not run: %s: %s%n", name, why);
                        continue;
                    }
                    tests.add(DynamicTest.dynamicTest(name, () -> compare(backend, client, c)));
                }
            }
        }
        return tests.stream();
    }

    private static void compare(Backend backend, Client client, JdbcCases.Case c) throws Exception {
        Client named = client.on(backend);
        String expected = run(backend, client, c, backend.direct().getAsInt());
        if (Boolean.getBoolean("matrix.print")) { // -Dmatrix.print=true shows what each program got directly
            System.out.printf("--- %s, %s: %s, directly%n%s%n", backend.name(), named.name(), c.name(), expected);
        }
        assertSame(named, c, "directly", expected, "through the pass-through listener",
                run(backend, client, c, backend.passThrough().getAsInt()));
        String split = run(backend, client, c, backend.split().getAsInt());
        if (c.acrossConnections()) {
            // by design (docs/gateway-compatibility.md): session causal reads do not wait for another connection's
            // writes, so whether such a read is stale is a race; global ones must not be
            System.out.printf("not compared through the splitting listener (session causal reads): %s, %s reads"
                    + " another connection's writes%n", named.name(), c.name());
        } else {
            assertSame(named, c, "directly", expected, "through the splitting listener", split);
        }
        assertSame(named, c, "directly", expected, "through the splitting listener with global causal reads",
                run(backend, client, c, backend.globalSplit().getAsInt()));
    }

    private static void assertSame(Client client, JdbcCases.Case c, String how, String expected, String other,
                                   String got) {
        assertEquals(expected, got, () -> client.name() + ", " + c.name() + ": the outcome " + other
                + " differs from the one " + how + "\n--- " + how + "\n" + expected + "--- " + other + "\n" + got);
    }

    /** One run of a case on a fresh connection; what it observed, or the exception that ended it. */
    private static String run(Backend backend, Client client, JdbcCases.Case c, int port) throws Exception {
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
                            () -> running(backend, marker));
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

    private static boolean running(Backend backend, String marker) throws SQLException {
        for (ServerNode node : backend.nodes().get()) {
            try (Connection admin = node.connect(backend.users().admin())) {
                if (!Sql.value(admin, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%"
                        + marker + "%' AND INFO NOT LIKE '%PROCESSLIST%'").orElseThrow().equals("0")) {
                    return true;
                }
            }
        }
        return false;
    }
}
