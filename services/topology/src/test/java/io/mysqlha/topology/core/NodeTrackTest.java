package io.mysqlha.topology.core;

import io.mysqlha.events.health.ProbeFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.mysqlha.topology.core.Observations.T0;
import static io.mysqlha.topology.core.Observations.down;
import static io.mysqlha.topology.core.Observations.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeTrackTest {
    private static final Hysteresis H = new Hysteresis(2, 2, Duration.ofMillis(1500));

    @Test
    void shouldDecideOnTheFirstObservation() {
        assertTrue(NodeTrack.unseen("n").observe(replica("n", 0, 0), H, 1000).up());
        assertFalse(NodeTrack.unseen("n").observe(down("n", 0, ProbeFailure.Reason.TIMEOUT), H, 1000).up());
    }

    @Test
    void shouldGoDownAfterDownAfterBadObservationsAndComeBackAfterUpAfterGoodOnes() {
        NodeTrack t = NodeTrack.unseen("n").observe(replica("n", 0, 0), H, 1000);
        t = t.observe(down("n", 500, ProbeFailure.Reason.TIMEOUT), H, 1000);
        assertTrue(t.up(), "one bad observation is not enough");
        t = t.observe(down("n", 1000, ProbeFailure.Reason.TIMEOUT), H, 1000);
        assertFalse(t.up(), "down after 2");
        t = t.observe(replica("n", 1500, 0), H, 1000);
        assertFalse(t.up(), "one good observation is not enough");
        t = t.observe(replica("n", 2000, 0), H, 1000);
        assertTrue(t.up(), "up after 2");
    }

    @Test
    void shouldNotFlapOnAlternatingObservations() {
        NodeTrack t = NodeTrack.unseen("n").observe(replica("n", 0, 0), H, 1000);
        for (int i = 1; i < 10; i++) {
            t = i % 2 == 1 ? t.observe(down("n", i * 500L, ProbeFailure.Reason.TIMEOUT), H, 1000)
                    : t.observe(replica("n", i * 500L, 0), H, 1000);
            assertTrue(t.up(), "observation " + i);
        }
    }

    @Test
    void shouldShunForLagWithTheSameHysteresis() {
        NodeTrack t = NodeTrack.unseen("n").observe(replica("n", 0, 200), H, 1000);
        t = t.observe(replica("n", 500, 5000), H, 1000);
        assertFalse(t.lagShunned());
        t = t.observe(replica("n", 1000, 6000), H, 1000);
        assertTrue(t.lagShunned());
        t = t.observe(replica("n", 1500, 100), H, 1000);
        assertTrue(t.lagShunned());
        t = t.observe(replica("n", 2000, 100), H, 1000);
        assertFalse(t.lagShunned());
        assertFalse(NodeTrack.unseen("n").observe(replica("n", 0, 99_000), H, 0).lagShunned(), "0 means no limit");
    }

    @Test
    void shouldGoDownWhenStaleAndComeBackOnTheNextGoodObservation() {
        NodeTrack t = NodeTrack.unseen("n").observe(replica("n", 0, 0), H, 1000);
        assertSame(t, t.tick(T0.plusMillis(1000), H));
        NodeTrack stale = t.tick(T0.plusMillis(1500), H);
        assertFalse(stale.up());
        assertTrue(stale.stale());
        assertTrue(stale.observe(replica("n", 2000, 0), H, 1000).up());
    }

    @Test
    void shouldIgnoreAnOlderObservationThanTheLatest() {
        NodeTrack t = NodeTrack.unseen("n").observe(replica("n", 1000, 0), H, 1000);
        assertSame(t, t.observe(down("n", 500, ProbeFailure.Reason.REFUSED), H, 1000));
        assertEquals(0, t.badStreak());
    }
}
