package io.mysqlha.cli;

import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventLineTest {
    private static EventHeader header(String type) {
        return new EventHeader("e", type, "local", Instant.parse("2026-12-03T13:04:00.594Z"), "failover", "f-1", "1.0");
    }

    @Test
    void shouldSayWhatAFailoverDidInOneLine() {
        assertEquals("2026-12-03 13:04:00.594  local  FailoverStarted  switchover s-1: node1 -> node2 (epoch 1)",
                EventLine.of(new FailoverStarted(header("FailoverStarted"), "s-1", FailoverKind.SWITCHOVER,
                        "SwitchoverRequested", "node1", "node2", 1, false)));
        Map<String, Long> steps = new LinkedHashMap<>();
        steps.put("fence-old-primary", 12L);
        steps.put("read-write", 4L);
        assertEquals("failover f-9: node2 is the primary of epoch 2 (was node1), in 16 ms; 1 transaction(s) of the"
                        + " old primary lost: 0-1-233 not in 0-1-232",
                EventLine.summary(new FailoverCompleted(header("FailoverCompleted"), "f-9", FailoverKind.FAILOVER,
                        "node1", "node2", 2, steps, 1, "0-1-233 not in 0-1-232", "0-1-232")));
    }

    @Test
    void shouldSayAnAlertsSeverityAndNode() {
        assertEquals("critical NodeDown on node1: node1 unreachable", EventLine.summary(new AlertRaised(
                header("AlertRaised"), "NodeDown/local/node1", "NodeDown", Severity.CRITICAL, "node1",
                "node1 unreachable", Map.of())));
    }
}
