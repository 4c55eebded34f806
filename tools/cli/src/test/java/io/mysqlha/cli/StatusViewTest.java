package io.mysqlha.cli;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.health.GtidState;
import io.mysqlha.events.health.ProbeFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusViewTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final ClusterSpec SPEC = new ClusterSpec("orders", ClusterKind.SEMI_SYNC, List.of(
            node("db1", 3306), node("db2", 3306), node("db3", 3306)), null, null, null, null, null, null);

    private static NodeSpec node(String id, int port) {
        return new NodeSpec(id, id + ".example", port, null, null, null, null);
    }

    private static EventHeader header(String type, Duration ago) {
        return new EventHeader("e", type, "orders", NOW.minus(ago), "x", "x-1", "1.0");
    }

    private static TopologyChanged.AssignedNode a(String id, String reason) {
        return new TopologyChanged.AssignedNode(id, id + ".example", 3306, 1, reason);
    }

    private static NodeHealthObserved healthy(String id, boolean readOnly, Long lag, String gtid) {
        return new NodeHealthObserved(header("NodeHealthObserved", Duration.ofMillis(300)), id, id + ".example", 3306,
                true, null, 900, null, "10.11.6-MariaDB", readOnly, false, 3L, new GtidState(null, null, gtid, null,
                null), null, null, lag, null, null, null, null);
    }

    @Test
    void shouldShowEveryNodesRoleLagAndLastProbe() {
        TopologyChanged topology = new TopologyChanged(header("TopologyChanged", Duration.ofSeconds(42)), 17, 3,
                List.of(a("db1", "read_only=OFF")), List.of(a("db1", "writer is also reader"), a("db2", "replica")),
                List.of(), List.of(a("db3", "lag 12000 ms > 10000 ms")), "db3 reader -> offline (lag 12000 ms)");
        NodeHealthObserved down = new NodeHealthObserved(header("NodeHealthObserved", Duration.ofSeconds(3)), "db3",
                "db3.example", 3306, false, new ProbeFailure(ProbeFailure.Reason.TIMEOUT, null, "no answer within 400 ms"),
                400_000, null, null, null, null, null, null, null, null, null, null, null, null, null);
        String out = StatusView.render(SPEC, topology, Map.of("db1", healthy("db1", false, null, "0-1-88"), "db2",
                healthy("db2", true, 12L, "0-1-87"), "db3", down), NOW);
        assertEquals("""
                cluster orders (semi-sync): generation 17, epoch 3, writer db1
                  last change 42 s ago: db3 reader -> offline (lag 12000 ms)

                NODE  ADDRESS           ROLE           READ_ONLY  LAG    GTID    PROBED      NOTE
                db1   db1.example:3306  writer+reader  OFF        -      0-1-88  300 ms ago  -
                db2   db2.example:3306  reader         ON         12 ms  0-1-87  300 ms ago  -
                db3   db3.example:3306  offline        -          -      -       3 s ago     unreachable: timeout no answer within 400 ms
                """, out);
    }

    @Test
    void shouldSayWhenThereIsNoTopologyOrWriter() {
        String none = StatusView.render(SPEC, null, Map.of(), NOW);
        assertEquals("cluster orders (semi-sync): no topology published yet (is the topology service running?)",
                none.lines().findFirst().orElseThrow());
        assertEquals("db1   db1.example:3306  unknown  -          -    -     never   -", none.lines().toList().get(3));
        TopologyChanged noWriter = new TopologyChanged(header("TopologyChanged", Duration.ofMinutes(5)), 4, 1,
                List.of(), List.of(a("db2", "replica")), List.of(), List.of(), "db1 writer -> offline");
        assertEquals("cluster orders (semi-sync): generation 4, epoch 1, NO WRITER",
                StatusView.render(SPEC, noWriter, Map.of(), NOW).lines().findFirst().orElseThrow());
    }
}
