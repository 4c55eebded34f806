package io.mysqlha.e2e;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.testsupport.Waits;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** What the scenarios share about the gateway: a cluster spec with one read/write listener, and a client through it. */
final class Gateways {
    private Gateways() {
    }

    /** {@code base} with {@code routing} (null: the defaults) and a read/write listener on {@code port}. */
    static ClusterSpec withListener(ClusterSpec base, RoutingPolicy routing, int port) {
        return new ClusterSpec(base.clusterId(), base.kind(), base.nodes(), routing, null,
                List.of(new ListenerSpec("rw", "127.0.0.1", port, ListenerRole.READ_WRITE, 64)), null, null, null);
    }

    /**
     * The topologies from the first one with a writer on: on this machine a fresh primary's first heartbeat write
     * can miss the probe's deadline, and the cluster's very first assignment then has none.
     */
    static List<io.mysqlha.events.TopologyChanged> fromFirstWriter(List<io.mysqlha.events.TopologyChanged> all) {
        int first = 0;
        while (first < all.size() && all.get(first).writers().isEmpty()) {
            first++;
        }
        return all.subList(first, all.size());
    }

    /** A MariaDB Connector/J connection as the app user through the gateway's listener, once it accepts one. */
    static Connection client(int port, Duration patience) {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        p.setProperty("connectTimeout", "5000");
        return Waits.forValue("a client through the gateway on :" + port, patience, () -> {
            try {
                return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
            } catch (SQLException e) {
                return null;
            }
        });
    }
}
