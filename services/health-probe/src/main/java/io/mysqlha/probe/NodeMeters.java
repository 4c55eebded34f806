package io.mysqlha.probe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.ThreadState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The last probe of every node as Prometheus gauges, labelled cluster and node, for alert rules and dashboards:
 * {@code mysqlha_node_up} (1 reachable, 0 not), {@code mysqlha_node_read_only}, {@code mysqlha_node_lag_seconds},
 * {@code mysqlha_node_replication_io_running} and {@code _sql_running} (1 running, 0 connecting or stopped). A
 * figure the probe could not see (a primary's lag, an unreachable node's read_only) is NaN, which no rule matches.
 */
final class NodeMeters {
    private final MeterRegistry registry;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();

    /** The latest observation of one node, read by its gauges. */
    private static final class Node {
        volatile NodeHealthObserved last;
        final List<Meter> meters = new ArrayList<>();
    }

    NodeMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void observed(NodeHealthObserved o) {
        nodes.computeIfAbsent(o.clusterId() + "/" + o.nodeId(), k -> register(o)).last = o;
    }

    /** Removes the gauges of every node of {@code clusterId}. */
    void forget(String clusterId) {
        nodes.entrySet().removeIf(e -> {
            if (!e.getKey().startsWith(clusterId + "/")) {
                return false;
            }
            e.getValue().meters.forEach(registry::remove);
            return true;
        });
    }

    private Node register(NodeHealthObserved first) {
        Node n = new Node();
        n.last = first;
        gauge(n, first, "mysqlha.node.up", "1 when the last probe reached the node", o -> o.reachable() ? 1 : 0);
        gauge(n, first, "mysqlha.node.read.only", "The node's read_only (1 ON)", o -> !o.reachable()
                || o.readOnly() == null ? Double.NaN : o.readOnly() ? 1 : 0);
        gauge(n, first, "mysqlha.node.lag.seconds", "Replication lag of a replica", o -> !o.reachable()
                || o.lagMillis() == null ? Double.NaN : o.lagMillis() / 1000.0);
        gauge(n, first, "mysqlha.node.replication.io.running", "1 while the replica's IO thread runs",
                o -> thread(o, true));
        gauge(n, first, "mysqlha.node.replication.sql.running", "1 while the replica's SQL thread runs",
                o -> thread(o, false));
        return n;
    }

    private static double thread(NodeHealthObserved o, boolean io) {
        if (!o.reachable() || o.replication() == null) {
            return Double.NaN;
        }
        ThreadState s = io ? o.replication().ioThread() : o.replication().sqlThread();
        return s == ThreadState.RUNNING ? 1 : 0;
    }

    private void gauge(Node n, NodeHealthObserved first, String name, String description,
                       ToDoubleFunction<NodeHealthObserved> value) {
        n.meters.add(Gauge.builder(name, n, node -> value.applyAsDouble(node.last)).description(description)
                .tag("cluster", first.clusterId()).tag("node", first.nodeId()).strongReference(true)
                .register(registry));
    }
}
