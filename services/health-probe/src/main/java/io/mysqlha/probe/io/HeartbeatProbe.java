package io.mysqlha.probe.io;

import io.mysqlha.probe.core.HeartbeatLag;
import io.mysqlha.probe.core.HeartbeatPlan;
import io.vertx.core.Future;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.mysqlclient.MySQLException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * One node's part of heartbeat lag: on a writable node, write this probe's clock into the node's row of
 * {@code mysqlha.heartbeat}; on a replica, read its source's row. Lag is then measured against what the probe
 * wrote ({@link HeartbeatLag}).
 */
final class HeartbeatProbe {
    private static final int ER_NO_SUCH_TABLE = 1146;
    private static final int ER_BAD_DB = 1049;

    private final String nodeId;
    private final boolean enabled;
    private final HeartbeatBook book;
    private final BiFunction<String, Integer, Optional<String>> nodeAt;
    private final Clock clock;
    private boolean tableReady;
    /** The node whose heartbeat row this replica showed last (its replication source). */
    private String lastSource;

    HeartbeatProbe(String nodeId, boolean enabled, HeartbeatBook book,
                   BiFunction<String, Integer, Optional<String>> nodeAt, Clock clock) {
        this.nodeId = nodeId;
        this.enabled = enabled;
        this.book = book;
        this.nodeAt = nodeAt;
        this.clock = clock;
    }

    /** A new connection may be to a rebuilt server: make sure of the table again before writing. */
    void newConnection() {
        tableReady = false;
    }

    /** Writes or reads the heartbeat; returns the value read on a replica (µs), else null. */
    Future<Long> run(MySQLConnection c, Map<String, String> vars, List<Map<String, String>> replica,
                     Consumer<String> phase) {
        HeartbeatPlan plan = HeartbeatPlan.decide(enabled, vars, replica);
        if (plan instanceof HeartbeatPlan.Write) {
            phase.accept("heartbeat write");
            return write(c);
        }
        if (!(plan instanceof HeartbeatPlan.Read read)) {
            return Future.succeededFuture(null);
        }
        Optional<String> sourceId = nodeAt.apply(read.sourceHost(), read.sourcePort());
        if (sourceId.isEmpty()) {
            return Future.succeededFuture(null);
        }
        phase.accept("heartbeat read");
        return c.query("SELECT ts_micros FROM mysqlha.heartbeat WHERE node_id = '" + sourceId.get() + "'").execute()
                .map(rs -> rs.size() == 0 ? (Long) null : rs.iterator().next().getLong(0))
                .recover(e -> e instanceof MySQLException m && (m.getErrorCode() == ER_NO_SUCH_TABLE
                        || m.getErrorCode() == ER_BAD_DB) ? Future.succeededFuture(null) : Future.failedFuture(e))
                .map(value -> {
                    lastSource = sourceId.get();
                    return value;
                });
    }

    private Future<Long> write(MySQLConnection c) {
        long now = micros(clock);
        Future<Void> ready = tableReady ? Future.succeededFuture() : c.query(
                "CREATE DATABASE IF NOT EXISTS mysqlha").execute().compose(v -> c.query(
                "CREATE TABLE IF NOT EXISTS mysqlha.heartbeat (node_id VARCHAR(64) NOT NULL PRIMARY KEY,"
                        + " ts_micros BIGINT NOT NULL) ENGINE=InnoDB").execute()).map(v -> {
            tableReady = true;
            return null;
        });
        // node ids are validated ([a-z0-9_-]) and the value is a number: no injection through this text
        return ready.compose(v -> c.query("INSERT INTO mysqlha.heartbeat (node_id, ts_micros) VALUES ('" + nodeId
                + "', " + now + ") ON DUPLICATE KEY UPDATE ts_micros = VALUES(ts_micros)").execute()).map(v -> {
            book.wrote(nodeId, now);
            return null;
        });
    }

    /** The lag a replica's heartbeat value shows, or null when it showed none. */
    Long lag(Long seenMicros) {
        if (seenMicros == null || lastSource == null) {
            return null;
        }
        return HeartbeatLag.millis(seenMicros, micros(clock), book.writtenTo(lastSource));
    }

    static long micros(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
