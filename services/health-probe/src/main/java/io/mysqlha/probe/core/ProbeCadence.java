package io.mysqlha.probe.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ProbePolicy;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GroupReplicationState;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * How soon a node is probed again. Normally every {@code interval}. A Group Replication group that shows no
 * primary the probes can reach is electing one by itself (mysqlha follows its election, never fights it): the
 * members that answer are then probed every {@code fastInterval}, so the new primary is seen, and routed to, within
 * about that long of the group electing it rather than within a whole interval. Unreachable members keep the
 * normal interval, so how soon a node counts as down ({@code down_after} observations) does not change. The hurry
 * lasts at most {@code hurryLimit}: a group that elects no one by then (lost quorum) is probed normally again.
 */
public record ProbeCadence(ClusterKind kind, int intervalMs, int fastIntervalMs, Duration hurryLimit) {
    public static final Duration HURRY_LIMIT = Duration.ofSeconds(60);

    public static ProbeCadence of(ClusterKind kind, ProbePolicy policy) {
        return new ProbeCadence(kind, policy.intervalMs(), policy.fastIntervalMs(), HURRY_LIMIT);
    }

    /**
     * True when the latest observation of every node is known and none is of a reachable primary of a group: the
     * group is electing one (or cannot). Only Group Replication clusters ever hurry.
     *
     * @param nodes  how many nodes the cluster has
     * @param latest the latest observation of each node observed so far
     */
    public boolean leaderless(int nodes, Collection<NodeHealthObserved> latest) {
        if (kind != ClusterKind.GROUP_REPLICATION || latest.size() < nodes) {
            return false;
        }
        return latest.stream().noneMatch(ProbeCadence::reachablePrimary);
    }

    /**
     * The delay before a node's next probe.
     *
     * @param last          the node's latest observation, null before its first
     * @param leaderlessSince when the group was first seen without a primary, null when it has one
     */
    public int nextDelayMs(NodeHealthObserved last, Instant leaderlessSince, Instant now) {
        boolean hurrying = leaderlessSince != null && now.isBefore(leaderlessSince.plus(hurryLimit));
        return hurrying && last != null && last.reachable() ? fastIntervalMs : intervalMs;
    }

    private static boolean reachablePrimary(NodeHealthObserved o) {
        GroupReplicationState gr = o.groupReplication();
        return o.reachable() && gr != null && "ONLINE".equals(gr.memberState()) && "PRIMARY".equals(gr.memberRole())
                && gr.viable();
    }
}
