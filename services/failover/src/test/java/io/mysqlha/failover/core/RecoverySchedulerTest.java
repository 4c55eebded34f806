package io.mysqlha.failover.core;

import io.mysqlha.events.NodeHealthObserved;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.mysqlha.events.health.ThreadState.RUNNING;
import static io.mysqlha.failover.core.Nodes.alone;
import static io.mysqlha.failover.core.Nodes.primary;
import static io.mysqlha.failover.core.Nodes.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoverySchedulerTest {
    private static final Instant NOW = Nodes.T0.plusSeconds(60);

    private final RecoveryGuard guard = new RecoveryGuard(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(30),
            Duration.ofSeconds(3));
    private final RecoveryScheduler scheduler = new RecoveryScheduler(guard, Duration.ofSeconds(10), true);
    private final ClusterWatch watch = new ClusterWatch(Nodes.spec());

    private List<Analysis> observe(NodeHealthObserved... observations) {
        for (NodeHealthObserved o : observations) {
            watch.observe(o);
        }
        return FailureAnalyzer.analyze(watch.snapshot());
    }

    private RecoveryScheduler.Decision next(List<Analysis> found, Instant at) {
        return scheduler.next(found, watch.snapshot(), at, () -> "x");
    }

    private List<Analysis> disconnectedN2(long at, String n2Position) {
        return observe(primary("n1", at, "0-1-5"), alone("n2", at, n2Position), replica("n3", at, "n1", RUNNING, "0-1-5"));
    }

    @Test
    void shouldStartTheFirstRecoverableProblemAndOnlyOneAtATime() {
        List<Analysis> found = disconnectedN2(0, "0-1-5");
        RecoveryScheduler.Start start = next(found, NOW).start().orElseThrow();
        assertEquals(Recovery.REJOIN, start.plan().recovery());
        assertEquals("rejoin-x", start.id());
        RecoveryScheduler.Decision second = next(found, NOW);
        assertTrue(second.start().isEmpty());
        assertEquals("recovery rejoin-x is in flight", second.blocked().values().iterator().next());
    }

    @Test
    void shouldBackOffAFailedRepairAndWaitForAnObservationAfterIt() {
        List<Analysis> found = disconnectedN2(0, "0-1-5");
        RecoveryScheduler.Start start = next(found, NOW).start().orElseThrow();
        scheduler.smallEnded(start, false, null, Nodes.T0.plusMillis(100));
        assertTrue(next(disconnectedN2(200, "0-1-5"), Nodes.T0.plusSeconds(5)).start().isEmpty(), "backed off");
        assertTrue(next(disconnectedN2(200, "0-1-5"), Nodes.T0.plusSeconds(11)).start().isPresent(), "after 10 s");
    }

    @Test
    void shouldNotActAgainOnANodeUnseenSinceItWasRepaired() {
        List<Analysis> found = disconnectedN2(0, "0-1-5");
        RecoveryScheduler.Start start = next(found, NOW).start().orElseThrow();
        scheduler.smallEnded(start, true, null, Nodes.T0.plusMillis(100));
        // the analysis still says "disconnected" from the observation made before the rejoin
        assertTrue(next(found, NOW).start().isEmpty());
        assertTrue(next(disconnectedN2(500, "0-1-5"), NOW).start().isPresent(), "seen again, still disconnected");
    }

    @Test
    void shouldNotRetryARefusedRejoinUntilTheNodesTransactionsChange() {
        List<Analysis> found = disconnectedN2(0, "0-2-6");
        RecoveryScheduler.Start start = next(found, NOW).start().orElseThrow();
        scheduler.smallEnded(start, false, "0-2-6", Nodes.T0.plusMillis(100));
        assertEquals(Map.of("n2", "0-2-6"), scheduler.refused());
        assertTrue(next(disconnectedN2(500, "0-2-6"), NOW.plusSeconds(3600)).start().isEmpty(), "same answer");
        assertTrue(next(disconnectedN2(900, "0-1-5"), NOW).start().isPresent(), "an operator removed them");
        assertEquals(Map.of(), scheduler.refused());
    }

    @Test
    void shouldResumeThroughTheBlockWindowButNotBesideARecoveryInFlight() {
        guard.tryStart("p1", Recovery.PROMOTE);
        guard.ended("p1", Recovery.PROMOTE, true);
        assertTrue(guard.tryStart("p2", Recovery.PROMOTE).isPresent(), "block window");
        assertTrue(guard.tryResume("begun-elsewhere").isEmpty());
        assertEquals("recovery begun-elsewhere is in flight", guard.tryResume("another").orElseThrow());
    }
}
