package io.mysqlha.probe.io;

import io.mysqlha.domain.Flavour;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.probe.core.AuroraReader;
import io.mysqlha.probe.core.Flavours;
import io.mysqlha.probe.core.GroupReplicationReader;
import io.mysqlha.probe.core.ObservationAssembler;
import io.mysqlha.probe.core.ProbeTarget;
import io.mysqlha.probe.core.Readings;
import io.mysqlha.probe.core.UnexpectedResultException;
import io.mysqlha.service.DbCredentials;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Probes one node each cycle over one kept-open connection. The whole cycle (connect, reads, heartbeat) has one
 * deadline; past it the node is reported as a timeout and the connection is dropped. At most one connect
 * attempt is pending at a time, so a frozen server (which accepts TCP but never greets) never piles up sockets.
 * Runs on a Vert.x event loop; nothing here blocks.
 */
final class NodeProber {
    private static final Set<String> ALL_VARIABLES = allVariables();
    private static final String VARIABLES_SQL = "SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + quoted(ALL_VARIABLES) + ")";
    private static final String STATUS_SQL = "SHOW GLOBAL STATUS WHERE Variable_name IN ("
            + quoted(ObservationAssembler.statusNames()) + ")";
    private static final int REDISCOVER_EVERY = 60;

    private final Vertx vertx;
    private final ProbeTarget target;
    private final ProbeSettings settings;
    private final MySQLConnectOptions options;
    private final String credentialProblem;
    private final HeartbeatProbe heartbeat;
    private final Clock clock;
    private final EventSource source;

    private MySQLConnection connection;
    private Future<MySQLConnection> connecting;
    private boolean running;
    private boolean closed;
    private String phase = "connect";
    private String variablesSelect;
    private MySQLConnection variablesConnection;
    private int cyclesSinceDiscovery;

    NodeProber(Vertx vertx, ProbeTarget target, ProbeSettings settings, DbCredentials credentials,
               io.mysqlha.service.sql.NodeTlsSettings tls, String credentialProblem, HeartbeatBook heartbeats,
               BiFunction<String, Integer, Optional<String>> nodeAt,
               Clock clock, EventSource source) {
        this.vertx = vertx;
        this.target = target;
        this.settings = settings;
        this.credentialProblem = credentialProblem;
        this.heartbeat = new HeartbeatProbe(target.node().id(), settings.heartbeat(), heartbeats, nodeAt, clock);
        this.clock = clock;
        this.source = source;
        this.options = credentials == null ? null : options(target, settings, credentials, tls);
    }

    private static MySQLConnectOptions options(ProbeTarget target, ProbeSettings settings, DbCredentials credentials,
                                               io.mysqlha.service.sql.NodeTlsSettings tls) {
        MySQLConnectOptions o = tls.applyTo(new MySQLConnectOptions())
                .setHost(target.node().host()).setPort(target.node().port())
                .setUser(credentials.user()).setPassword(credentials.password().reveal())
                .setCachePreparedStatements(false);
        o.setConnectTimeout(settings.timeoutMs());
        o.setReconnectAttempts(0);
        o.setTcpNoDelay(true);
        return o;
    }

    ProbeTarget target() {
        return target;
    }

    /** One probe; null when the previous one of this node is still running (it cannot outlive its deadline). */
    Future<NodeHealthObserved> probe() {
        if (running) {
            return null;
        }
        running = true;
        long started = System.nanoTime();
        if (options == null) {
            running = false;
            return Future.succeededFuture(ObservationAssembler.unreachable(header(), target,
                    new ProbeFailure(ProbeFailure.Reason.OTHER, null, credentialProblem), 0));
        }
        Promise<Readings> cycle = Promise.promise();
        long timer = vertx.setTimer(settings.timeoutMs(),
                id -> cycle.tryFail(new ProbeTimeoutException(settings.timeoutMs(), phase)));
        phase = "connect";
        connection().compose(this::read).onComplete(ar -> {
            if (ar.succeeded()) {
                cycle.tryComplete(ar.result());
            } else {
                cycle.tryFail(ar.cause());
            }
        });
        return cycle.future().transform(ar -> {
            vertx.cancelTimer(timer);
            running = false;
            long rtt = (System.nanoTime() - started) / 1000;
            if (ar.failed()) {
                drop();
                return Future.succeededFuture(ObservationAssembler.unreachable(header(), target,
                        FailureClassifier.classify(ar.cause()), rtt));
            }
            try {
                Readings r = ar.result();
                return Future.succeededFuture(ObservationAssembler.reachable(header(), target, r, rtt,
                        heartbeat.lag(r.heartbeatMicros())));
            } catch (RuntimeException e) {
                drop();
                return Future.succeededFuture(ObservationAssembler.unreachable(header(), target,
                        FailureClassifier.classify(e), rtt));
            }
        });
    }

    private Future<MySQLConnection> connection() {
        if (connection != null) {
            return Future.succeededFuture(connection);
        }
        if (connecting == null) {
            connecting = MySQLConnection.connect(vertx, options).onComplete(ar -> {
                connecting = null;
                if (ar.failed()) {
                    return;
                }
                MySQLConnection fresh = ar.result();
                if (closed) {
                    fresh.close(); // the prober stopped while this attempt was pending
                    return;
                }
                connection = fresh;
                heartbeat.newConnection();
                // only this connection's own close may clear the field: an older, dropped connection closing
                // late must not orphan the newer one (which would stay open, and leak, for ever)
                fresh.closeHandler(v -> {
                    if (connection == fresh) {
                        connection = null;
                    }
                });
            });
        }
        return connecting;
    }

    /**
     * The variables, read cheaply: a connection first asks which of the wanted variables the server has (SHOW
     * GLOBAL VARIABLES scans all ~700 of them) and from then on reads those directly in one row. It asks again
     * every {@link #REDISCOVER_EVERY} cycles, so a plugin installed at run time is seen.
     */
    private Future<Map<String, String>> variables(MySQLConnection c) {
        if (variablesSelect != null && cyclesSinceDiscovery++ < REDISCOVER_EVERY) {
            phase = "variables";
            return c.query(variablesSelect).execute().map(rows -> {
                Row row = rows.iterator().next();
                Map<String, String> vars = new HashMap<>();
                for (int i = 0; i < rows.columnsNames().size(); i++) {
                    vars.put(rows.columnsNames().get(i), text(row.getValue(i)));
                }
                return vars;
            });
        }
        phase = "SHOW GLOBAL VARIABLES";
        return c.query(VARIABLES_SQL).execute().map(rows -> {
            Map<String, String> vars = nameValue(rows);
            variablesSelect = "SELECT " + vars.keySet().stream().sorted()
                    .map(n -> "@@global." + n + " AS `" + n + "`").collect(Collectors.joining(", "));
            variablesConnection = c;
            cyclesSinceDiscovery = 0;
            return vars;
        });
    }

    private Future<Readings> read(MySQLConnection c) {
        if (variablesConnection != c) {
            variablesSelect = null; // a new connection may be to a restarted, upgraded server
        }
        return variables(c).compose(vars -> {
            if (vars.get("version") == null) {
                return Future.failedFuture(new UnexpectedResultException(
                        "the server reported no version variable; got " + vars.keySet()));
            }
            Flavour flavour = Flavours.of(vars.get("version"));
            phase = "SHOW GLOBAL STATUS";
            return c.query(STATUS_SQL).execute().compose(statusRows -> {
                phase = Flavours.dialect(flavour).replicaStatusStatement();
                return c.query(phase).execute().compose(replicaRows -> {
                    List<Map<String, String>> replica = rows(replicaRows);
                    return optionalRows(c, vars).compose(extra -> heartbeat.run(c, vars, replica, p -> phase = p)
                            .map(hb ->
                            new Readings(vars, nameValue(statusRows), replica, hb,
                                    GroupReplicationReader.isMember(vars) ? extra : List.of(),
                                    AuroraReader.isAurora(vars) ? extra : List.of())));
                });
            });
        });
    }

    /** Group Replication members or Aurora replica rows, only where the server has them. */
    private Future<List<Map<String, String>>> optionalRows(MySQLConnection c, Map<String, String> vars) {
        String sql = GroupReplicationReader.isMember(vars) ? GroupReplicationReader.STATEMENT
                : AuroraReader.isAurora(vars) ? AuroraReader.STATEMENT : null;
        if (sql == null) {
            return Future.succeededFuture(List.of());
        }
        phase = sql.substring(0, Math.min(40, sql.length()));
        return c.query(sql).execute().map(NodeProber::rows);
    }

    private EventHeader header() {
        return EventHeader.of(NodeHealthObserved.class, target.clusterId(), clock, source);
    }

    /** Drops the connection after a failure: the next cycle starts from a fresh one. */
    private void drop() {
        MySQLConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    void close() {
        closed = true;
        drop();
    }

    private static Map<String, String> nameValue(RowSet<Row> rows) {
        Map<String, String> values = new HashMap<>();
        for (Row row : rows) {
            values.put(text(row.getValue(0)), text(row.getValue(1)));
        }
        return values;
    }

    private static List<Map<String, String>> rows(RowSet<Row> rows) {
        List<String> columns = rows.columnsNames();
        List<Map<String, String>> out = new ArrayList<>();
        for (Row row : rows) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                values.put(columns.get(i), text(row.getValue(i)));
            }
            out.add(values);
        }
        return out;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Set<String> allVariables() {
        Set<String> names = new HashSet<>(ObservationAssembler.variables(Flavour.MARIADB));
        names.addAll(ObservationAssembler.variables(Flavour.MYSQL));
        return names;
    }

    private static String quoted(Set<String> names) {
        return names.stream().sorted().map(n -> "'" + n + "'").collect(Collectors.joining(","));
    }
}
