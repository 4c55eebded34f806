package io.mysqlha.backup.core;

import io.mysqlha.events.EventHeader;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.TopologyChanged.AssignedNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceChooserTest {
    private static AssignedNode node(String id, int weight) {
        return new AssignedNode(id, "127.0.0.1", 3300 + id.hashCode() % 10, weight, "test");
    }

    private static TopologyChanged topology(List<AssignedNode> writers, List<AssignedNode> readers,
                                            List<AssignedNode> offline) {
        return new TopologyChanged(new EventHeader("e", "TopologyChanged", "c1", Instant.EPOCH, "topology", "t",
                "1.2"), 1, 0, writers, readers, List.of(), offline, "test");
    }

    @Test
    void theLeastLaggingReplicaThatIsNotTheWriterIsTheSource() {
        AssignedNode w = node("node1", 1);
        TopologyChanged t = topology(List.of(w), List.of(w, node("node2", 1), node("node3", 1)), List.of());
        var s = assertInstanceOf(SourceChooser.Source.class, SourceChooser.choose(t,
                Map.of("node2", 800L, "node3", 20L), 10_000, false));
        assertEquals("node3", s.node().nodeId());
        assertEquals(false, s.writer());
    }

    @Test
    void onEqualLagTheReplicaTakingFewerReadsThenTheIdDecides() {
        TopologyChanged t = topology(List.of(node("node1", 1)), List.of(node("node3", 5), node("node2", 1)),
                List.of());
        assertEquals("node2", ((SourceChooser.Source) SourceChooser.choose(t, Map.of(), 0, false)).node().nodeId());
        TopologyChanged tie = topology(List.of(node("node1", 1)), List.of(node("node3", 1), node("node2", 1)),
                List.of());
        assertEquals("node2", ((SourceChooser.Source) SourceChooser.choose(tie, Map.of(), 0, false)).node().nodeId());
    }

    @Test
    void theWriterOnlyWhenAllowedAndNoReplicaQualifies() {
        AssignedNode w = node("node1", 1);
        TopologyChanged lagging = topology(List.of(w), List.of(w, node("node2", 1)), List.of());
        var refused = assertInstanceOf(SourceChooser.Refused.class,
                SourceChooser.choose(lagging, Map.of("node2", 60_000L), 10_000, false));
        assertTrue(refused.reason().contains("every replica lags more than 10000 ms"), refused.reason());
        assertTrue(refused.reason().contains("allow_writer_source"), refused.reason());
        var writer = assertInstanceOf(SourceChooser.Source.class,
                SourceChooser.choose(lagging, Map.of("node2", 60_000L), 10_000, true));
        assertEquals("node1", writer.node().nodeId());
        assertTrue(writer.writer());
        TopologyChanged alone = topology(List.of(w), List.of(w),
                List.of(new AssignedNode("node2", "127.0.0.1", 3308, 1, "replication stopped")));
        var none = assertInstanceOf(SourceChooser.Refused.class, SourceChooser.choose(alone, Map.of(), 0, false));
        assertTrue(none.reason().contains("node2 replication stopped"), none.reason());
        assertInstanceOf(SourceChooser.Refused.class, SourceChooser.choose(null, Map.of(), 0, true));
    }
}
