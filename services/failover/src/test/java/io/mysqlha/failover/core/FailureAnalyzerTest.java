package io.mysqlha.failover.core;

import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.ProbeFailure.Reason;
import io.mysqlha.events.health.ThreadState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mysqlha.failover.core.Nodes.alone;
import static io.mysqlha.failover.core.Nodes.down;
import static io.mysqlha.failover.core.Nodes.primary;
import static io.mysqlha.failover.core.Nodes.replica;
import static io.mysqlha.events.health.ThreadState.CONNECTING;
import static io.mysqlha.events.health.ThreadState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureAnalyzerTest {

    private static List<Analysis> analyze(NodeHealthObserved... observations) {
        ClusterWatch w = new ClusterWatch(Nodes.spec());
        for (NodeHealthObserved o : observations) {
            w.observe(o);
        }
        return FailureAnalyzer.analyze(w.snapshot());
    }

    private static String only(List<Analysis> found) {
        assertEquals(1, found.size(), found.toString());
        return found.getFirst().problem() + "/" + found.getFirst().nodeId();
    }

    @Test
    void shouldFindNoProblemInAHealthyCluster() {
        assertEquals(List.of(), analyze(primary("n1", 0, "0-1-5"), replica("n2", 0, "n1", RUNNING, "0-1-5"),
                replica("n3", 0, "n1", RUNNING, "0-1-5")));
    }

    @Test
    void shouldDeclareDeadPrimaryOnlyWhenEveryReachableReplicaLostIt() {
        assertEquals("DeadPrimary/n1", only(analyze(primary("n1", 0, "0-1-5"), replica("n2", 0, "n1", RUNNING, "0-1-5"),
                replica("n3", 0, "n1", RUNNING, "0-1-5"), down("n1", 500, Reason.REFUSED), down("n1", 1000,
                        Reason.REFUSED), replica("n2", 1000, "n1", CONNECTING, "0-1-5"),
                replica("n3", 1000, "n1", CONNECTING, "0-1-5"))));
    }

    @Test
    void shouldNotDeclareDeadPrimaryBeforeDownAfterObservations() {
        List<Analysis> found = analyze(primary("n1", 0, "0-1-5"), down("n1", 500, Reason.REFUSED),
                replica("n2", 500, "n1", CONNECTING, "0-1-5"), replica("n3", 500, "n1", CONNECTING, "0-1-5"));
        assertTrue(found.stream().noneMatch(a -> a.problem() == Problem.DeadPrimary), found.toString());
    }

    @Test
    void shouldCallAPrimaryTheReplicasStillReplicateFromUnreachable() {
        // a frozen primary: the probe times out, the replicas' IO threads have not noticed yet
        assertEquals("UnreachablePrimary/n1", only(analyze(primary("n1", 0, "0-1-5"), down("n1", 500, Reason.TIMEOUT),
                down("n1", 1000, Reason.TIMEOUT), replica("n2", 1000, "n1", RUNNING, "0-1-5"),
                replica("n3", 1000, "n1", CONNECTING, "0-1-5"))));
    }

    @Test
    void shouldNeverDeclareDeadAPrimaryThatRefusesOurCredentials() {
        assertEquals(List.of(), analyze(primary("n1", 0, "0-1-5"), down("n1", 500, Reason.AUTH_FAILURE),
                down("n1", 1000, Reason.AUTH_FAILURE), down("n1", 1500, Reason.AUTH_FAILURE),
                replica("n2", 1500, "n1", RUNNING, "0-1-5"), replica("n3", 1500, "n1", RUNNING, "0-1-5")));
    }

    @Test
    void shouldLetTheReachableReplicasDecideWhenSomeAreDownToo() {
        assertEquals("DeadPrimaryAndSomeReplicas/n1", only(analyze(primary("n1", 0, "0-1-5"),
                replica("n2", 0, "n1", RUNNING, "0-1-5"), replica("n3", 0, "n1", RUNNING, "0-1-5"),
                down("n1", 500, Reason.REFUSED), down("n1", 1000, Reason.REFUSED), down("n3", 1000, Reason.TIMEOUT),
                replica("n2", 1000, "n1", CONNECTING, "0-1-5"))));
    }

    @Test
    void shouldRefuseWhenNoReplicaOfTheDeadPrimaryAnswers() {
        assertEquals("DeadPrimaryAndReplicas/n1", only(analyze(primary("n1", 0, "0-1-5"),
                replica("n2", 0, "n1", RUNNING, "0-1-5"), replica("n3", 0, "n1", RUNNING, "0-1-5"),
                down("n1", 500, Reason.REFUSED), down("n1", 1000, Reason.REFUSED), down("n2", 1000, Reason.REFUSED),
                down("n3", 1000, Reason.REFUSED))));
    }

    @Test
    void shouldFindAWritableReplica() {
        ClusterWatch w = new ClusterWatch(Nodes.spec());
        w.topology(Nodes.topology(1, 0, "n1"));
        w.observe(primary("n1", 0, "0-1-5"));
        w.observe(replica("n2", 0, "n1", RUNNING, "0-1-5"));
        w.observe(replica("n3", 0, "n1", RUNNING, RUNNING, false, "0-1-5"));
        assertEquals("ReplicaIsWritable/n3", only(FailureAnalyzer.analyze(w.snapshot())));
    }

    @Test
    void shouldFindAReadOnlyPrimaryTheTopologyNamed() {
        ClusterWatch w = new ClusterWatch(Nodes.spec());
        w.topology(Nodes.topology(1, 0, "n1"));
        w.observe(alone("n1", 0, "0-1-5"));
        w.observe(replica("n2", 0, "n1", RUNNING, "0-1-5"));
        w.observe(replica("n3", 0, "n1", RUNNING, "0-1-5"));
        assertEquals("PrimaryIsReadOnly/n1", only(FailureAnalyzer.analyze(w.snapshot())));
    }

    @Test
    void shouldRecogniseTheFormerPrimaryByTheLastFailover() {
        ClusterWatch w = new ClusterWatch(Nodes.spec());
        w.failoverCompleted(Nodes.completed(1, "n1", "n2", "0-1-5"));
        w.observe(alone("n1", 1000, "0-1-5"));
        w.observe(primary("n2", 1000, "0-2-7"));
        w.observe(replica("n3", 1000, "n2", RUNNING, "0-2-7"));
        assertEquals("FormerPrimaryReturned/n1", only(FailureAnalyzer.analyze(w.snapshot())));
    }

    @Test
    void shouldNotJudgeRolesFromObservationsMadeBeforeTheEpochBegan() {
        ClusterWatch w = new ClusterWatch(Nodes.spec());
        w.observe(primary("n1", 0, "0-1-5"));
        w.observe(replica("n2", 0, "n1", RUNNING, "0-1-5"));
        w.observe(replica("n3", 0, "n1", RUNNING, "0-1-5"));
        w.failoverCompleted(Nodes.completed(1, "n1", "n2", "0-1-5")); // n2 still looks read-only, n1 writable
        assertEquals(List.of(), FailureAnalyzer.analyze(w.snapshot()));
    }

    @Test
    void shouldFindErrantTransactionsOnlyAgainstALaterPrimaryObservation() {
        // n3 wrote 0-3-6 itself; the primary, observed after it, never had it
        assertEquals("ErrantGtidDetected/n3", only(analyze(replica("n2", 0, "n1", RUNNING, "0-1-5"),
                replica("n3", 0, "n1", RUNNING, "0-3-6"), primary("n1", 10, "0-1-5"))));
        // n2 received 0-1-6 after the primary's observation: not errant
        assertEquals(List.of(), analyze(primary("n1", 0, "0-1-5"), replica("n2", 10, "n1", RUNNING, "0-1-6"),
                replica("n3", 10, "n1", RUNNING, "0-1-6")));
    }

    @Test
    void shouldFindStoppedDisconnectedAndMisdirectedReplicas() {
        assertEquals("ReplicationStopped/n2", only(analyze(primary("n1", 0, "0-1-5"),
                replica("n2", 0, "n1", RUNNING, ThreadState.STOPPED, true, "0-1-5"),
                replica("n3", 0, "n1", RUNNING, "0-1-5"))));
        assertEquals("NotConnectedToPrimary/n2", only(analyze(primary("n1", 0, "0-1-5"), alone("n2", 0, "0-1-5"),
                replica("n3", 0, "n1", RUNNING, "0-1-5"))));
        assertEquals("ConnectedToWrongPrimary/n3", only(analyze(primary("n1", 0, "0-1-5"),
                replica("n2", 0, "n1", RUNNING, "0-1-5"), replica("n3", 0, "n2", RUNNING, "0-1-5"))));
    }
}
