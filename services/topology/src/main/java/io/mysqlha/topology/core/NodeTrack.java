package io.mysqlha.topology.core;

import io.mysqlha.events.NodeHealthObserved;

import java.time.Instant;

/**
 * What topology remembers about one node: its last observation and the streaks that decide, with
 * {@link Hysteresis}, whether it is up and whether it is shunned for lag. Immutable; every observation or tick
 * returns the next track.
 *
 * @param latest     the last observation, good or failed: what a down node's reason quotes
 * @param lastGood   the last observation that reached the node: what the rules read the node's state from while
 *                   it is up. A node kept up by hysteresis after one failed probe keeps its role from here; its
 *                   failed observation has no state to judge it by
 * @param up         reachable as far as routing is concerned (false also while nothing was ever observed)
 * @param lagShunned out of the readers for lag
 */
public record NodeTrack(String nodeId, NodeHealthObserved latest, NodeHealthObserved lastGood, Instant lastObservedAt,
                        boolean up, int badStreak, int goodStreak, boolean lagShunned, int lagOverStreak,
                        int lagUnderStreak, boolean stale) {

    public static NodeTrack unseen(String nodeId) {
        return new NodeTrack(nodeId, null, null, null, false, 0, 0, false, 0, 0, false);
    }

    public boolean observed() {
        return latest != null;
    }

    /**
     * The next track after an observation. The first observation of a node decides at once (no history to
     * flap from); later ones change state only after a streak. Observations older than the latest are ignored.
     *
     * @param maxLagMs the node's lag limit (0: none)
     */
    public NodeTrack observe(NodeHealthObserved o, Hysteresis h, long maxLagMs) {
        Instant at = o.header().time();
        if (lastObservedAt != null && !at.isAfter(lastObservedAt)) {
            return this;
        }
        boolean good = o.reachable();
        int bad = good ? 0 : badStreak + 1;
        int ok = good ? goodStreak + 1 : 0;
        boolean nowUp = !observed() || stale ? good : up ? bad < h.downAfter() : ok >= h.upAfter();

        boolean over = good && maxLagMs > 0 && o.lagMillis() != null && o.lagMillis() > maxLagMs;
        boolean under = good && o.lagMillis() != null && !over;
        int overStreak = over ? lagOverStreak + 1 : 0;
        int underStreak = under ? lagUnderStreak + 1 : 0;
        boolean shunned = !observed() ? over
                : lagShunned ? underStreak < h.upAfter() : overStreak >= h.downAfter();
        return new NodeTrack(nodeId, o, good ? o : lastGood, at, nowUp, bad, ok, shunned, overStreak, underStreak,
                false);
    }

    /** Stale now, whatever its age: the probe of the whole cluster fell silent (observed nodes only). */
    public NodeTrack silenced() {
        if (lastObservedAt == null || stale) {
            return this;
        }
        return new NodeTrack(nodeId, latest, lastGood, lastObservedAt, false, badStreak, 0, lagShunned, lagOverStreak,
                lagUnderStreak, true);
    }

    /** A node with no observation for {@code staleAfter} is down: its probe cannot see it, or is gone. */
    public NodeTrack tick(Instant now, Hysteresis h) {
        if (lastObservedAt == null || stale || now.isBefore(lastObservedAt.plus(h.staleAfter()))) {
            return this;
        }
        return new NodeTrack(nodeId, latest, lastGood, lastObservedAt, false, badStreak, 0, lagShunned, lagOverStreak,
                lagUnderStreak, true);
    }
}
