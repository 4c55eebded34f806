package io.mysqlha.topology.core;

import io.mysqlha.events.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AlertTrackerTest {
    private static final AlertCondition STOPPED = new AlertCondition("ReplicationStopped", Severity.CRITICAL, "n2", "a");
    private static final AlertCondition STOPPED_AGAIN = new AlertCondition("ReplicationStopped", Severity.CRITICAL, "n2",
            "the summary may change while the condition lasts");
    private static final AlertCondition NO_WRITER = new AlertCondition("ClusterHasNoWriter", Severity.CRITICAL, null, "b");

    @Test
    void shouldRaiseOnceAndResolveOnce() {
        var first = AlertTracker.NONE.update(List.of(STOPPED));
        assertEquals(List.of(STOPPED), first.raised());
        var second = first.next().update(List.of(STOPPED_AGAIN, NO_WRITER));
        assertEquals(List.of(NO_WRITER), second.raised(), "the same condition is not raised twice");
        assertEquals(List.of(), second.resolved());
        var third = second.next().update(List.of());
        assertEquals(List.of(), third.raised());
        assertEquals(2, third.resolved().size());
        assertEquals(List.of(), third.next().update(List.of()).resolved(), "resolved once");
    }

    @Test
    void shouldCountDuplicatesInOneDerivationOnce() {
        assertEquals(1, AlertTracker.NONE.update(List.of(STOPPED, STOPPED_AGAIN)).raised().size());
    }
}
