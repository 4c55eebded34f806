package io.mysqlha.topology.core;

import io.mysqlha.events.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final AlertCondition SECOND_WRITER = new AlertCondition("MultipleWritersDetected",
            Severity.CRITICAL, "n2", "n2 has read_only=OFF beside the writer n1");

    @Test
    void shouldRaiseAConditionARecoveryPassesThroughOnlyOnceItHeldForItsDelay() {
        var seen = AlertTracker.NONE.update(List.of(NO_WRITER), T0, AlertDelays.DEFAULT);
        assertEquals(List.of(), seen.raised());
        assertTrue(seen.next().hasPending());
        var still = seen.next().update(List.of(NO_WRITER), T0.plusMillis(4_999), AlertDelays.DEFAULT);
        assertEquals(List.of(), still.raised(), "4.999 s without a writer: not yet");
        var due = still.next().update(List.of(NO_WRITER), T0.plusSeconds(5), AlertDelays.DEFAULT);
        assertEquals(List.of(NO_WRITER), due.raised(), "5 s after it was first seen");
        assertFalse(due.next().hasPending());
        assertEquals(List.of(NO_WRITER), due.next().update(List.of(), T0.plusSeconds(6), AlertDelays.DEFAULT)
                .resolved());
    }

    @Test
    void shouldNeverRaiseOrResolveAConditionThatEndedBeforeItsDelay() {
        // a switchover: the cluster has no writer for 400 ms and the candidate replicates from nobody for 550 ms
        var during = AlertTracker.NONE.update(List.of(NO_WRITER, STOPPED), T0, AlertDelays.DEFAULT);
        var after = during.next().update(List.of(), T0.plusMillis(550), AlertDelays.DEFAULT);
        assertEquals(List.of(), during.raised());
        assertEquals(List.of(), after.raised());
        assertEquals(List.of(), after.resolved());
        assertFalse(after.next().hasPending());
        var again = after.next().update(List.of(NO_WRITER), T0.plusSeconds(10), AlertDelays.DEFAULT);
        assertEquals(List.of(), again.raised(), "a new moment without a writer waits its own 5 s");
    }

    @Test
    void shouldRaiseWhatNoRecoveryExplainsAtOnce() {
        assertEquals(List.of(SECOND_WRITER), AlertTracker.NONE.update(List.of(SECOND_WRITER), T0, AlertDelays.DEFAULT)
                .raised());
    }
}
