package io.mysqlha.gateway.routing;

import io.mysqlha.events.EventHeader;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.TopologyChanged.AssignedNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RoutingTableTest {
    private static AssignedNode n(String id, int weight) {
        return new AssignedNode(id, "127.0.0.1", 3300 + id.charAt(1) - '0', weight, "r");
    }

    private static TopologyChanged topology(long generation, List<AssignedNode> writers, List<AssignedNode> readers) {
        return topology(generation, 0, writers, readers);
    }

    private static TopologyChanged topology(long generation, long epoch, List<AssignedNode> writers,
                                            List<AssignedNode> readers) {
        return new TopologyChanged(new EventHeader("e", "TopologyChanged", "c1", Instant.EPOCH, "topology", "t", "1.0"),
                generation, epoch, writers, readers, List.of(), List.of(), "test");
    }

    @Test
    void shouldHoldWritesFromAPrimaryChangeUntilItsEpochOrItsEnd() {
        RoutingTable table = new RoutingTable();
        table.apply(topology(1, 3, List.of(n("n1", 1)), List.of()));
        long before = table.version();
        table.holdWrites("c1", "sw-1", 4);
        assertEquals("sw-1", table.hold("c1").orElseThrow().failoverId());
        assertEquals(before + 1, table.version(), "a hold makes sessions re-check their node");
        table.apply(topology(2, 3, List.of(n("n1", 1)), List.of()));
        assertEquals(true, table.hold("c1").isPresent(), "a generation of the old epoch does not end it");
        table.apply(topology(3, 4, List.of(n("n2", 1)), List.of()));
        assertEquals(false, table.hold("c1").isPresent(), "the new epoch's writer ends it");

        table.holdWrites("c1", "sw-2", 5);
        table.release("c1", "other");
        assertEquals(true, table.hold("c1").isPresent(), "another change's end does not end it");
        List<Long> heard = new ArrayList<>();
        table.onChange(r -> heard.add(r.generation()));
        table.release("c1", "sw-2");
        assertEquals(false, table.hold("c1").isPresent(), "a failed or completed change ends it");
        assertEquals(List.of(3L), heard, "waiting sessions hear of it");
        table.holdWrites("c1", "old", 2);
        assertEquals(false, table.hold("c1").isPresent(), "an older epoch's start is history");
    }

    @Test
    void shouldApplyOnlyNewerGenerationsAndTellListeners() {
        RoutingTable table = new RoutingTable();
        List<Long> heard = new ArrayList<>();
        table.onChange(r -> heard.add(r.generation()));
        assertEquals(RoutingTable.Applied.NEWER, table.apply(topology(5, List.of(n("n1", 1)), List.of())));
        long version = table.version();
        assertEquals(RoutingTable.Applied.STALE, table.apply(topology(4, List.of(n("n2", 1)), List.of())));
        assertEquals(RoutingTable.Applied.STALE, table.apply(topology(5, List.of(n("n2", 1)), List.of())));
        assertEquals(version, table.version(), "stale generations change nothing sessions must re-check");
        assertEquals("n1", table.routes("c1").orElseThrow().writer().nodeId());
        assertEquals(RoutingTable.Applied.NEWER, table.apply(topology(6, List.of(), List.of())));
        assertNull(table.routes("c1").orElseThrow().writer(), "no writer: sessions hold writes");
        assertEquals(List.of(5L, 6L), heard);
    }

    @Test
    void shouldChooseReadersByWeight() {
        Routes r = Routes.of(topology(1, List.of(), List.of(n("n1", 1), n("n2", 3), n("n3", 0))));
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            picks.merge(r.reader(i / 400.0).nodeId(), 1, Integer::sum);
        }
        assertEquals(Map.of("n1", 100, "n2", 300), picks, "weight 1 : 3, weight 0 never");
        assertNull(Routes.of(topology(1, List.of(), List.of())).reader(0.5));
        Routes zero = Routes.of(topology(1, List.of(), List.of(n("n1", 0), n("n2", 0))));
        assertEquals("n2", zero.reader(0.99).nodeId(), "all at 0: evenly");
    }
}
