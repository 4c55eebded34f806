package io.mysqlha.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mysqlha.events.TopologyChanged;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The published assignment as Prometheus gauges, per owned cluster: {@code mysqlha_topology_generation},
 * {@code mysqlha_topology_epoch}, {@code mysqlha_topology_writers} (how many nodes take writes) and
 * {@code mysqlha_topology_node_role{node,role}} (every role of every assigned node: 1 while it holds it, else 0), so a
 * dashboard draws roles over time and an alert sees a cluster with no writer. A released cluster's gauges go.
 */
final class TopologyMeters {
    private static final List<String> ROLES = List.of("writer", "reader", "backup_writer", "offline");

    private final MeterRegistry registry;
    private final Map<String, Map<String, AtomicLong>> byCluster = new ConcurrentHashMap<>();

    TopologyMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void published(String clusterId, TopologyChanged t) {
        Map<String, AtomicLong> gauges = byCluster.computeIfAbsent(clusterId, id -> new ConcurrentHashMap<>());
        gauge(gauges, clusterId, "mysqlha.topology.generation", Tags.empty()).set(t.generation());
        gauge(gauges, clusterId, "mysqlha.topology.epoch", Tags.empty()).set(t.epoch());
        gauge(gauges, clusterId, "mysqlha.topology.writers", Tags.empty()).set(t.writers().size());
        // every role of every node seen so far, 0 unless held now: a node that left a role reads 0, not a stale 1
        gauges.forEach((key, value) -> {
            if (key.startsWith("mysqlha.topology.node.role|")) {
                value.set(0);
            }
        });
        Map<String, List<TopologyChanged.AssignedNode>> sets = Map.of("writer", t.writers(), "reader", t.readers(),
                "backup_writer", t.backupWriters(), "offline", t.offline());
        for (String role : ROLES) {
            for (TopologyChanged.AssignedNode n : sets.get(role)) {
                for (String r : ROLES) {
                    gauge(gauges, clusterId, "mysqlha.topology.node.role", Tags.of("node", n.nodeId(), "role", r));
                }
                gauge(gauges, clusterId, "mysqlha.topology.node.role", Tags.of("node", n.nodeId(), "role", role)).set(1);
            }
        }
    }

    /**
     * {@code mysqlha_topology_alerts_active{alertname,severity}}: how many of the cluster's alerts of that name are
     * active (a Prometheus rule on MultipleWritersDetected, say); names seen before and resolved since read 0.
     */
    void alerts(String clusterId, java.util.Collection<io.mysqlha.topology.core.AlertCondition> active) {
        Map<String, AtomicLong> gauges = byCluster.computeIfAbsent(clusterId, id -> new ConcurrentHashMap<>());
        gauges.forEach((key, value) -> {
            if (key.startsWith("mysqlha.topology.alerts.active|")) {
                value.set(0);
            }
        });
        for (var a : active) {
            gauge(gauges, clusterId, "mysqlha.topology.alerts.active", Tags.of("alertname", a.name(), "severity",
                    a.severity().name().toLowerCase(java.util.Locale.ROOT))).incrementAndGet();
        }
    }

    void released(String clusterId) {
        if (byCluster.remove(clusterId) != null) {
            for (String name : List.of("mysqlha.topology.generation", "mysqlha.topology.epoch",
                    "mysqlha.topology.writers", "mysqlha.topology.node.role", "mysqlha.topology.alerts.active")) {
                registry.find(name).tag("cluster", clusterId).meters().forEach(registry::remove);
            }
        }
    }

    private AtomicLong gauge(Map<String, AtomicLong> gauges, String clusterId, String name, Tags tags) {
        String key = name + "|" + tags;
        return gauges.computeIfAbsent(key, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::doubleValue).tags(tags.and("cluster", clusterId)).register(registry);
            return value;
        });
    }
}
