package io.mysqlha.topology.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingChangeTest {
    private static Placement p(String id, String reason) {
        return new Placement(id, id + ".db", 3306, 1, reason);
    }

    private static final Assignment BASE = new Assignment(List.of(p("n1", "writer")),
            List.of(p("n2", "replica, lag 3 ms"), p("n3", "replica, lag 4 ms")), List.of(), List.of());

    @Test
    void shouldIgnoreReasonsAndOrder() {
        Assignment same = new Assignment(List.of(p("n1", "writer")),
                List.of(p("n3", "replica, lag 90 ms"), p("n2", "replica, lag 1 ms")), List.of(), List.of());
        assertTrue(RoutingChange.same(BASE, same));
    }

    @Test
    void shouldSeeMovesWeightsAndAddresses() {
        assertFalse(RoutingChange.same(BASE, new Assignment(List.of(p("n1", "w")), List.of(p("n2", "r")), List.of(),
                List.of(p("n3", "lag")))));
        assertFalse(RoutingChange.same(BASE, new Assignment(List.of(p("n1", "w")),
                List.of(p("n2", "r"), new Placement("n3", "n3.db", 3306, 5, "r")), List.of(), List.of())));
        assertFalse(RoutingChange.same(BASE, new Assignment(List.of(new Placement("n1", "new.db", 3306, 1, "w")),
                BASE.readers(), List.of(), List.of())));
    }

    @Test
    void shouldSayWhatMovedAndWhy() {
        Assignment after = new Assignment(List.of(p("n1", "writer")), List.of(p("n2", "replica")), List.of(),
                List.of(p("n3", "replication stopped: SQL thread not running")));
        assertEquals("n3 reader -> offline (replication stopped: SQL thread not running)",
                RoutingChange.describe(new Published(7, 0, BASE), after, 0));
        assertEquals("first assignment; n1 none -> writer (writer); n2 none -> reader (replica, lag 3 ms); "
                + "n3 none -> reader (replica, lag 4 ms)", RoutingChange.describe(Published.NONE, BASE, 0));
        assertEquals("epoch 1 -> 2", RoutingChange.describe(new Published(7, 1, BASE), BASE, 2));
    }
}
