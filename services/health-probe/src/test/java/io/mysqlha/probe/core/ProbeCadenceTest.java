package io.mysqlha.probe.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.ProbePolicy;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GroupReplicationState;
import io.mysqlha.events.health.ProbeFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeCadenceTest {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    private static final ProbeCadence GROUP = ProbeCadence.of(ClusterKind.GROUP_REPLICATION, ProbePolicy.DEFAULTS);

    @Test
    void aGroupWithAReachablePrimaryIsNotLeaderless() {
        assertFalse(GROUP.leaderless(3, List.of(member("n1", "PRIMARY"), member("n2", "SECONDARY"),
                member("n3", "SECONDARY"))));
    }

    @Test
    void aGroupWhosePrimaryIsUnreachableIsLeaderless() {
        assertTrue(GROUP.leaderless(3, List.of(down("n1"), member("n2", "SECONDARY"), member("n3", "SECONDARY"))));
    }

    @Test
    void aPrimaryWithoutQuorumDoesNotCount() {
        NodeHealthObserved minority = observed("n1", true, new GroupReplicationState("ONLINE", "PRIMARY", 0, true, false));
        assertTrue(GROUP.leaderless(3, List.of(minority, down("n2"), down("n3"))));
    }

    @Test
    void nothingIsDecidedBeforeEveryNodeWasObserved() {
        assertFalse(GROUP.leaderless(3, List.of(member("n2", "SECONDARY"), member("n3", "SECONDARY"))));
    }

    @Test
    void onlyGroupsHurry() {
        ProbeCadence replication = ProbeCadence.of(ClusterKind.SEMI_SYNC, ProbePolicy.DEFAULTS);
        assertFalse(replication.leaderless(2, List.of(down("n1"), observed("n2", true, null))));
    }

    @Test
    void membersThatAnswerAreProbedFastWhileTheGroupElects() {
        assertEquals(100, GROUP.nextDelayMs(member("n2", "SECONDARY"), T0, T0.plusSeconds(20)));
        assertEquals(500, GROUP.nextDelayMs(member("n2", "SECONDARY"), null, T0));
    }

    @Test
    void anUnreachableMemberKeepsTheNormalIntervalSoDownAfterMeansWhatItSays() {
        assertEquals(500, GROUP.nextDelayMs(down("n1"), T0, T0.plusSeconds(1)));
        assertEquals(500, GROUP.nextDelayMs(null, T0, T0.plusSeconds(1)));
    }

    @Test
    void aGroupThatElectsNoOneIsProbedNormallyAfterTheLimit() {
        assertEquals(500, GROUP.nextDelayMs(member("n2", "SECONDARY"), T0, T0.plus(ProbeCadence.HURRY_LIMIT)));
        assertEquals(100, GROUP.nextDelayMs(member("n2", "SECONDARY"), T0,
                T0.plus(ProbeCadence.HURRY_LIMIT).minus(Duration.ofMillis(1))));
    }

    @Test
    void theFastIntervalNeverExceedsTheInterval() {
        assertEquals(100, ProbePolicy.DEFAULTS.fastIntervalMs());
        assertEquals(80, new ProbePolicy(80, 50, null).fastIntervalMs());
    }

    private static NodeHealthObserved member(String id, String role) {
        return observed(id, true, new GroupReplicationState("ONLINE", role, 0, true, true));
    }

    private static NodeHealthObserved down(String id) {
        return observed(id, false, null);
    }

    private static NodeHealthObserved observed(String id, boolean reachable, GroupReplicationState gr) {
        EventHeader header = new EventHeader(id, "NodeHealthObserved", "c", T0, "health-probe", "p1", "1.0");
        return new NodeHealthObserved(header, id, "127.0.0.1", 3306, reachable,
                reachable ? null : new ProbeFailure(ProbeFailure.Reason.REFUSED, 2003, "refused"), 100,
                Flavour.MYSQL, "9.7.4", true, true, null, null, null, null, null, null, null, gr, null);
    }
}
