package io.mysqlha.testsupport.bench;

import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.DbUser;
import io.mysqlha.testsupport.servers.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * One client connection through a gateway listener inserting ids 1, 2, 3... into {@code app.<table>} in a loop
 * (autocommit), recording when each insert began and ended and whether it was acknowledged. Errors are counted and
 * it goes on on the same connection; it never reconnects, so a dropped client connection shows as
 * {@link #connectionLost()}.
 */
final class WriteLoop implements AutoCloseable {
    /** One insert: its id, System.nanoTime() when it was sent and when it was answered, and whether it was acknowledged. */
    record Insert(int id, long began, long ended, boolean ok) {
    }

    private final List<Insert> inserts = new CopyOnWriteArrayList<>();
    private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final String table;
    private final Thread thread;
    private volatile boolean connectionLost;

    WriteLoop(int port, String table) throws SQLException {
        this.table = table;
        Connection c = client(port);
        Sql.execute(c, "CREATE TABLE IF NOT EXISTS " + table + " (id INT PRIMARY KEY)");
        Sql.execute(c, "DELETE FROM " + table);
        thread = Thread.ofPlatform().daemon().name("write-loop-" + table).start(() -> {
            try (c) {
                for (int id = 1; !stop.get(); id++) {
                    long began = System.nanoTime();
                    boolean ok = true;
                    try {
                        Sql.execute(c, "INSERT INTO " + table + " VALUES (" + id + ")");
                        acknowledged.add(id);
                    } catch (SQLException e) {
                        ok = false;
                        if (c.isClosed()) {
                            connectionLost = true;
                            return;
                        }
                    }
                    inserts.add(new Insert(id, began, System.nanoTime(), ok));
                }
            } catch (SQLException e) {
                connectionLost = true;
            }
        });
    }

    static Connection client(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        p.setProperty("connectTimeout", "5000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Acknowledged inserts that were sent after {@code nanos}. */
    long acknowledgedSince(long nanos) {
        return inserts.stream().filter(x -> x.ok() && x.began() > nanos).count();
    }

    /** The first acknowledged insert sent after {@code nanos}. */
    Insert firstAcknowledgedSince(long nanos) {
        return inserts.stream().filter(x -> x.ok() && x.began() > nanos).findFirst().orElseThrow();
    }

    int errors() {
        return (int) inserts.stream().filter(x -> !x.ok()).count();
    }

    boolean connectionLost() {
        return connectionLost;
    }

    /**
     * The longest time without an acknowledgement after {@code since}: between {@code since} (or an acknowledgement)
     * and the next acknowledgement, in ms.
     */
    double longestPauseAfter(long since) {
        long longest = 0;
        long previous = since;
        for (Insert x : inserts) {
            if (x.ok() && x.ended() > since) {
                longest = Math.max(longest, x.ended() - previous);
                previous = x.ended();
            }
        }
        return longest / 1e6;
    }

    /** Acknowledged inserts that {@code node} does not hold. */
    long missingOn(ServerNode node, DbUser admin) throws SQLException {
        try (Connection c = node.connect(admin)) {
            Set<Integer> present = Sql.rows(c, "SELECT id FROM app." + table).stream()
                    .map(r -> Integer.parseInt(r.get("id"))).collect(Collectors.toSet());
            return acknowledged.stream().filter(id -> !present.contains(id)).count();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(15_000);
    }
}
