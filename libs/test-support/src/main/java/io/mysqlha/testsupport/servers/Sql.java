package io.mysqlha.testsupport.servers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small JDBC helpers over MariaDB Connector/J for tests and the launcher (MariaDB and MySQL servers). */
public final class Sql {
    private static final java.sql.Driver DRIVER = new org.mariadb.jdbc.Driver();

    private Sql() {
    }

    public static Connection connect(String host, int port, DbUser user, int timeoutMillis) throws SQLException {
        return connect(host, port, user, timeoutMillis, false);
    }

    /** With {@code tls}: over TLS, the server's certificate not checked (servers that require TLS). */
    public static Connection connect(String host, int port, DbUser user, int timeoutMillis, boolean tls)
            throws SQLException {
        java.util.Properties p = new java.util.Properties();
        if (tls) {
            p.setProperty("sslMode", "trust");
        }
        p.setProperty("user", user.name());
        p.setProperty("password", user.password().reveal());
        p.setProperty("connectTimeout", Integer.toString(timeoutMillis));
        p.setProperty("socketTimeout", Integer.toString(Math.max(timeoutMillis, 30_000)));
        // MySQL's caching_sha2_password over plain TCP, when the server's cache is empty: the password goes
        // encrypted with the server's RSA key, which the driver may ask for (loopback only: no one in between)
        p.setProperty("allowPublicKeyRetrieval", "true");
        // The driver directly, not DriverManager: after a @QuarkusTest in the same JVM, DriverManager holds the
        // driver from Quarkus' class loader and refuses it to callers from the application class loader.
        return DRIVER.connect("jdbc:mariadb://" + host + ":" + port + "/", p);
    }

    public static void execute(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Rows as column-name maps; for status queries whose shape is all a test looks at. */
    public static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    public static Optional<String> value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    /** A status variable from SHOW GLOBAL STATUS. */
    public static String status(Connection c, String name) throws SQLException {
        return rows(c, "SHOW GLOBAL STATUS LIKE '" + name + "'").stream().findFirst().map(r -> r.get("Value"))
                .orElse(null);
    }
}
