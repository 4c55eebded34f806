package io.mysqlha.topology.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.ProbePolicy;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.health.ProbeFailure.Reason;
import io.mysqlha.events.health.ThreadState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.mysqlha.topology.core.Observations.T0;
import static io.mysqlha.topology.core.Observations.down;
import static io.mysqlha.topology.core.Observations.primary;
import static io.mysqlha.topology.core.Observations.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterBookTest {
    private static final ClusterSpec SPEC = new ClusterSpec("c1", ClusterKind.SEMI_SYNC, List.of(node("n1", "h1"),
            node("n2", "h2"), node("n3", "h3")), null, new ProbePolicy(500, 400, true), null, null, null, null);

    private static NodeSpec node(String id, String host) {
        return new NodeSpec(id, host, 3306, null, null, null, null);
    }

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    private static ClusterBook book() {
        return new ClusterBook(SPEC, 1, T0);
    }

    private static Decision decideAndCommit(ClusterBook b, long millis) {
        Decision d = b.decide(at(millis)).orElseThrow();
        b.committed(d);
        return d;
    }

    private static List<String> ids(List<Placement> ps) {
        return ps.stream().map(Placement::nodeId).sorted().toList();
    }

    private static FailoverCompleted failover(long epoch, String to) {
        return new FailoverCompleted(new EventHeader("f", "FailoverCompleted", "c1", at(0), "failover", "f1", "1.0"),
                "fo-" + epoch, FailoverKind.FAILOVER, "n1", to, epoch, Map.of(), 0, "", "0-1-5");
    }

    @Test
    void shouldNotDecideUntilEveryNodeWasObservedOrStaleAfterPassed() {
        ClusterBook b = book();
        b.observe(primary("n1", 10));
        assertEquals(Optional.empty(), b.decide(at(100)), "n2 and n3 are unknown, not down");
        assertEquals(Optional.empty(), b.decide(at(5_000)), "still unknown well past stale_after: the probe may be"
                + " slow to take a new cluster");
        Decision late = b.decide(at(10_000)).orElseThrow();
        assertEquals(List.of("n2", "n3"), ids(late.next().orElseThrow().assignment().offline()),
                "the settle grace (10 s) passed: never observed is offline");

        ClusterBook all = book();
        all.observe(primary("n1", 10));
        all.observe(replica("n2", 20, 0));
        all.observe(replica("n3", 30, 0));
        Published first = all.decide(at(40)).orElseThrow().next().orElseThrow();
        assertEquals(1, first.generation());
        assertEquals(List.of("n1"), ids(first.assignment().writers()));
    }

    @Test
    void shouldKeepRoutingWhenTheProbeFallsSilentThoughItsNodesAgeOneByOne() {
        ClusterBook b = book();
        b.observe(primary("n1", 10));
        b.observe(replica("n2", 50, 0));
        b.observe(replica("n3", 90, 0));
        decideAndCommit(b, 100);
        // stale_after is 1,500 ms: n1's last observation is that old, n2's and n3's not quite, and nothing at all
        // arrived for 750 ms: the probe is gone, not the writer
        b.tick(at(1_515));
        Decision d = b.decide(at(1_515)).orElseThrow();
        assertTrue(d.next().isEmpty(), "routing kept: " + d.next());
        assertEquals(List.of("ProbeSilent"), d.raised().stream().map(AlertCondition::name).toList());

        // the probe still observes the others: only the node it no longer reports goes offline
        ClusterBook one = book();
        one.observe(primary("n1", 10));
        one.observe(replica("n2", 50, 0));
        one.observe(replica("n3", 90, 0));
        decideAndCommit(one, 100);
        one.observe(primary("n1", 1_400));
        one.observe(replica("n2", 1_450, 0));
        one.tick(at(1_600));
        Decision d1 = one.decide(at(1_600)).orElseThrow();
        assertEquals(List.of("n3"), ids(d1.next().orElseThrow().assignment().offline()));
    }

    @Test
    void shouldPublishOnlyWhenRoutingChangesAndKeepTheGenerationCounting() {
        ClusterBook b = book();
        b.observe(primary("n1", 10));
        b.observe(replica("n2", 20, 5));
        b.observe(replica("n3", 30, 5));
        assertEquals(1, decideAndCommit(b, 40).next().orElseThrow().generation());
        b.observe(replica("n2", 520, 40)); // lag moved, routing did not
        Decision same = b.decide(at(530)).orElseThrow();
        assertTrue(same.nothingToPublish(), same.toString());
        b.committed(same);
        assertEquals(Optional.empty(), b.decide(at(540)), "nothing new since");

        b.observe(replica("n2", 1020, ThreadState.RUNNING, ThreadState.STOPPED, null));
        Decision out = decideAndCommit(b, 1030);
        assertEquals(2, out.next().orElseThrow().generation());
        assertTrue(out.cause().contains("n2 reader -> offline"), out.cause());
        assertEquals(List.of(), out.raised(), "ReplicationStopped waits 5 s: a switchover passes through it");
    }

    @Test
    void shouldRaiseAnAlertOnceItsConditionHeldForItsDelay() {
        ClusterBook b = book();
        b.observe(primary("n1", 10));
        b.observe(replica("n2", 20, 5));
        b.observe(replica("n3", 30, 5));
        decideAndCommit(b, 40);
        b.observe(replica("n2", 1020, ThreadState.RUNNING, ThreadState.STOPPED, null));
        assertEquals(List.of(), decideAndCommit(b, 1030).raised(), "first seen at 1030 ms");
        Decision waiting = b.decide(at(1100)).orElseThrow(() -> new AssertionError("a pending alert keeps it due"));
        assertTrue(waiting.nothingToPublish(), waiting.toString());
        b.committed(waiting);
        for (long t = 1500; t <= 6000; t += 500) { // the nodes go on answering as they did
            b.observe(primary("n1", t));
            b.observe(replica("n2", t, ThreadState.RUNNING, ThreadState.STOPPED, null));
            b.observe(replica("n3", t, 5));
        }
        assertEquals(List.of(), decideAndCommit(b, 6029).raised(), "4.999 s after it was first seen");
        assertEquals(List.of("ReplicationStopped/n2"), decideAndCommit(b, 6030).raised().stream()
                .map(AlertCondition::key).toList());
        assertEquals(Optional.empty(), b.decide(at(6100)), "raised, nothing pending: no need to look again");
    }

    @Test
    void shouldDecideAgainWhenAPublishDidNotCommit() {
        ClusterBook b = book();
        b.observe(primary("n1", 10));
        b.observe(replica("n2", 20, 0));
        b.observe(replica("n3", 30, 0));
        Decision lost = b.decide(at(40)).orElseThrow(); // never committed: Kafka was away
        Decision again = b.decide(at(1040)).orElseThrow();
        assertEquals(lost.next(), again.next());
        assertEquals(1, again.next().orElseThrow().generation());
    }

    @Test
    void shouldContinueFromTheRestoredGenerationAndAlerts() {
        ClusterBook b = book();
        Assignment before = new Assignment(List.of(new Placement("n1", "h1", 3306, 1, "w")),
                List.of(new Placement("n2", "h2", 3306, 1, "r"), new Placement("n3", "h3", 3306, 1, "r")),
                List.of(), List.of());
        b.restorePublished(new Published(41, 0, before));
        b.restoreAlerts(new AlertTracker(Map.of("SemiSyncDegraded/n1", new AlertCondition("SemiSyncDegraded",
                io.mysqlha.events.Severity.WARNING, "n1", "x"))));
        b.observe(primary("n1", 10));
        b.observe(replica("n2", 20, 0));
        b.observe(replica("n3", 30, ThreadState.RUNNING, ThreadState.STOPPED, null));
        Decision d = b.decide(at(40)).orElseThrow();
        assertEquals(42, d.next().orElseThrow().generation());
        assertEquals(List.of("SemiSyncDegraded/n1"), d.resolved().stream().map(AlertCondition::key).toList(),
                "the restored alert no longer holds: resolved, not forgotten");
    }

    @Test
    void shouldFollowOnlyNewerFailoverEpochsForKnownNodes() {
        ClusterBook b = book();
        assertEquals(Optional.empty(), b.failover(failover(3, "n2")));
        assertEquals(Optional.of(ClusterBook.Ignored.OLDER_EPOCH), b.failover(failover(3, "n2")));
        assertEquals(Optional.of(ClusterBook.Ignored.OLDER_EPOCH), b.failover(failover(2, "n3")));
        assertEquals(Optional.of(ClusterBook.Ignored.UNKNOWN_NODE), b.failover(failover(4, "n9")));
        assertEquals(new FailoverEpoch(3, "n2", T0), b.epoch());
    }

    @Test
    void shouldRefuseUnknownNodesAndOutOfOrderObservations() {
        ClusterBook b = book();
        assertEquals(Optional.empty(), b.observe(primary("n1", 100)));
        assertEquals(Optional.of(ClusterBook.Ignored.OUT_OF_ORDER), b.observe(down("n1", 50, Reason.REFUSED)));
        assertEquals(Optional.of(ClusterBook.Ignored.OUT_OF_ORDER), b.observe(down("n1", 100, Reason.REFUSED)));
        assertEquals(Optional.of(ClusterBook.Ignored.UNKNOWN_NODE), b.observe(primary("n9", 200)));
        assertTrue(b.tracks().get("n1").up());
    }

    @Test
    void shouldForgetTheTrackOfANodeWhoseAddressChanged() {
        ClusterBook b = book();
        b.observe(primary("n1", 10));
        b.observe(replica("n2", 20, 0));
        b.respec(new ClusterSpec("c1", ClusterKind.SEMI_SYNC, List.of(node("n1", "h1"), node("n2", "other"),
                node("n4", "h4")), null, null, null, null, null, null), 2);
        assertEquals(List.of("n1"), b.tracks().keySet().stream().sorted().toList());
        assertEquals(2, b.specVersion());
    }
}
