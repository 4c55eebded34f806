package io.mysqlha.failover.core;

import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CandidateElectorTest {
    private static final List<String> ZONES = List.of("a", "b");

    private static ReplicaPosition at(String id, String received, String applied) {
        return at(Nodes.node(id), received, applied, null);
    }

    private static ReplicaPosition at(NodeSpec node, String received, String applied, String errant) {
        return new ReplicaPosition(node, true, MariaDbGtidPosition.parse(received), MariaDbGtidPosition.parse(applied),
                0L, errant);
    }

    private static String winner(List<ReplicaPosition> replicas) {
        return assertInstanceOf(Election.Elected.class, CandidateElector.elect(replicas, ZONES)).candidate().id();
    }

    @Test
    void shouldElectMostAdvancedReplicaWhenPrimaryIsDead() {
        assertEquals("n3", winner(List.of(at("n2", "0-1-10", "0-1-10"), at("n3", "0-1-12", "0-1-11"))));
    }

    @Test
    void shouldElectTheOnlyReplicaThatGotTheLastAcknowledgedTransaction() {
        // semi-sync: the primary's last commit was acknowledged by n3 alone; n2 applied more of the rest
        assertEquals("n3", winner(List.of(at("n2", "0-1-99", "0-1-99"), at("n3", "0-1-100", "0-1-97"))));
    }

    @Test
    void shouldPreferTheReplicaThatAppliedMostAmongEquals() {
        assertEquals("n3", winner(List.of(at("n2", "0-1-10", "0-1-8"), at("n3", "0-1-10", "0-1-10"))));
    }

    @Test
    void shouldBreakTiesByWeightThenZoneThenId() {
        NodeSpec heavy = new NodeSpec("n3", "h", 3, "b", 5, false, null);
        assertEquals("n3", winner(List.of(at("n2", "0-1-10", "0-1-10"), at(heavy, "0-1-10", "0-1-10", null))));
        NodeSpec zoneB = new NodeSpec("n2", "h", 2, "b", 1, false, null);
        NodeSpec zoneA = new NodeSpec("n3", "h", 3, "a", 1, false, null);
        assertEquals("n3", winner(List.of(at(zoneB, "0-1-10", "0-1-10", null), at(zoneA, "0-1-10", "0-1-10", null))));
        assertEquals("n2", winner(List.of(at("n3", "0-1-10", "0-1-10"), at("n2", "0-1-10", "0-1-10"))));
    }

    @Test
    void shouldNeverElectAnErrantReplicaEvenWhenItIsAhead() {
        assertEquals("n2", winner(List.of(at("n2", "0-1-10", "0-1-10"),
                at(Nodes.node("n3"), "0-3-11", "0-3-11", "0-3-11 written on n3"))));
    }

    @Test
    void shouldRefuseWhenOnlyANoPromoteOrErrantReplicaHoldsEverything() {
        NodeSpec delayed = new NodeSpec("n3", "h", 3, "a", 1, true, null);
        Election e = CandidateElector.elect(List.of(at("n2", "0-1-10", "0-1-10"), at(delayed, "0-1-11", "0-1-11", null)),
                ZONES);
        Election.Refused refused = assertInstanceOf(Election.Refused.class, e);
        assertTrue(refused.reason().contains("n3 is no_promote"), refused.reason());
        assertTrue(refused.reason().contains("n2 (0-1-10) lacks what n3 received (0-1-11)"), refused.reason());
    }

    @Test
    void shouldRefuseWithoutAReplicaOfTheDeadPrimary() {
        ReplicaPosition elsewhere = new ReplicaPosition(Nodes.node("n2"), false, MariaDbGtidPosition.parse("0-1-10"),
                MariaDbGtidPosition.parse("0-1-10"), 0L, null);
        assertInstanceOf(Election.Refused.class, CandidateElector.elect(List.of(elsewhere), ZONES));
    }

    @Test
    void shouldElectOnlyTheRequiredTargetOfASwitchover() {
        assertEquals("n2", assertInstanceOf(Election.Elected.class, CandidateElector.elect(List.of(
                at("n2", "0-1-10", "0-1-10"), at("n3", "0-1-10", "0-1-10")), ZONES, "n2")).candidate().id());
        assertInstanceOf(Election.Refused.class, CandidateElector.elect(List.of(at("n2", "0-1-9", "0-1-9"),
                at("n3", "0-1-10", "0-1-10")), ZONES, "n2"));
        assertInstanceOf(Election.Refused.class, CandidateElector.elect(List.of(at("n2", "0-1-9", "0-1-9")), ZONES,
                "n7"));
    }
}
