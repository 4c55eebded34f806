package io.mysqlha.service.sql;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.service.DbCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One administrative connection to one node for a recovery or a backup, on the Vert.x MySQL client: a sequence
 * of steps that runs on its own thread and waits here for each answer, with a deadline per statement (never on
 * an event loop). Errors name the node and the statement's label, never a password.
 */
public final class NodeSql implements AutoCloseable {
    private final NodeSpec node;
    private final MySQLConnection connection;
    private final Duration timeout;
    private Flavour flavour;

    private NodeSql(NodeSpec node, MySQLConnection connection, Duration timeout) {
        this.node = node;
        this.connection = connection;
        this.timeout = timeout;
    }

    /** Connects within {@code connectTimeout}, or throws saying why; statements then wait up to {@code timeout}. */
    public static NodeSql connect(Vertx vertx, NodeSpec node, DbCredentials credentials, NodeTlsSettings tls,
                                  Duration connectTimeout, Duration timeout) {
        MySQLConnectOptions o = tls.applyTo(new MySQLConnectOptions()).setHost(node.host()).setPort(node.port())
                .setUser(credentials.user()).setPassword(credentials.password().reveal())
                .setCachePreparedStatements(false);
        o.setConnectTimeout((int) connectTimeout.toMillis());
        o.setReconnectAttempts(0);
        o.setTcpNoDelay(true);
        MySQLConnection c = await(node, "connect", MySQLConnection.connect(vertx, o), connectTimeout);
        return new NodeSql(node, c, timeout);
    }

    /** The server's flavour, from its version string (read once). */
    public Flavour flavour() {
        if (flavour == null) {
            String version = value("SELECT VERSION()").orElse("");
            flavour = version.toLowerCase(Locale.ROOT).contains("mariadb") ? Flavour.MARIADB : Flavour.MYSQL;
        }
        return flavour;
    }

    public NodeSpec node() {
        return node;
    }

    public List<Map<String, String>> rows(String sql) {
        return rows(sql, sql, timeout);
    }

    /** Rows of {@code sql}; {@code label} is what errors show (statements with a password pass a label). */
    public List<Map<String, String>> rows(String sql, String label, Duration patience) {
        RowSet<Row> rows = await(node, label, connection.query(sql).execute(), patience);
        List<String> columns = rows.columnsNames() == null ? List.of() : rows.columnsNames();
        List<Map<String, String>> out = new ArrayList<>();
        for (Row row : rows) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                Object v = row.getValue(i);
                values.put(columns.get(i), v == null ? null : v.toString());
            }
            out.add(values);
        }
        return out;
    }

    public Optional<String> value(String sql) {
        return value(sql, timeout);
    }

    public Optional<String> value(String sql, Duration patience) {
        List<Map<String, String>> rows = rows(sql, sql, patience);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return rows.getFirst().values().stream().findFirst();
    }

    public void execute(String... statements) {
        for (String s : statements) {
            rows(s, s, timeout);
        }
    }

    /** A statement that may take long (STOP SLAVE waits for an IO thread stuck connecting to a frozen source). */
    public void executeSlow(String sql, Duration patience) {
        rows(sql, sql, patience);
    }

    /** A statement whose text must not be shown (it holds a password): errors show {@code label}. */
    public void executeSecret(String sql, String label) {
        rows(sql, label, timeout);
    }

    private static <T> T await(NodeSpec node, String label, Future<T> future, Duration patience) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new NodeSqlException(node.id() + " (" + node.address() + "): no answer to " + label + " within "
                    + patience.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new NodeSqlException(node.id() + " (" + node.address() + "): " + label + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeSqlException(node.id() + ": interrupted during " + label);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
