package io.mysqlha.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.Severity;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.topology.core.AlertCondition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TopologyMeters meters = new TopologyMeters(registry);

    private static TopologyChanged topology(long generation, long epoch, String writer, String... readers) {
        return new TopologyChanged(new EventHeader("e", "TopologyChanged", "c1", Instant.EPOCH, "topology", "t", "1.0"),
                generation, epoch, writer == null ? List.of() : List.of(node(writer)),
                java.util.Arrays.stream(readers).map(TopologyMetersTest::node).toList(), List.of(), List.of(), "test");
    }

    private static TopologyChanged.AssignedNode node(String id) {
        return new TopologyChanged.AssignedNode(id, "127.0.0.1", 3306, 1, "r");
    }

    private double role(String node, String role) {
        return registry.get("mysqlha.topology.node.role").tag("cluster", "c1").tag("node", node).tag("role", role)
                .gauge().value();
    }

    @Test
    void shouldFollowTheRolesOfEveryNodeAcrossAPromotion() {
        meters.published("c1", topology(1, 0, "db1", "db2"));
        assertEquals(1, role("db1", "writer"));
        assertEquals(0, role("db2", "writer"));
        assertEquals(1, role("db2", "reader"));
        meters.published("c1", topology(2, 1, null, "db2"));
        assertEquals(0, role("db1", "writer"), "db1 left every role");
        assertEquals(0, registry.get("mysqlha.topology.writers").tag("cluster", "c1").gauge().value());
        meters.published("c1", topology(3, 1, "db2"));
        assertEquals(1, role("db2", "writer"));
        assertEquals(0, role("db2", "reader"));
        assertEquals(3, registry.get("mysqlha.topology.generation").tag("cluster", "c1").gauge().value());
        assertEquals(1, registry.get("mysqlha.topology.epoch").tag("cluster", "c1").gauge().value());
    }

    @Test
    void shouldCountActiveAlertsByNameAndForgetAReleasedCluster() {
        meters.published("c1", topology(1, 0, "db1"));
        meters.alerts("c1", List.of(new AlertCondition("NodeDown", Severity.CRITICAL, "db2", "down"),
                new AlertCondition("NodeDown", Severity.CRITICAL, "db3", "down")));
        assertEquals(2, registry.get("mysqlha.topology.alerts.active").tag("alertname", "NodeDown").gauge().value());
        meters.alerts("c1", List.of());
        assertEquals(0, registry.get("mysqlha.topology.alerts.active").tag("alertname", "NodeDown").gauge().value());
        meters.released("c1");
        assertTrue(registry.find("mysqlha.topology.node.role").tag("cluster", "c1").meters().isEmpty());
        assertTrue(registry.find("mysqlha.topology.alerts.active").tag("cluster", "c1").meters().isEmpty());
    }
}
