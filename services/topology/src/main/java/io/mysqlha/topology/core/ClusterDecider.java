package io.mysqlha.topology.core;

import java.time.Instant;
import java.util.Optional;

/**
 * Publish only on change: derives the assignment and publishes the next generation only when the routing or the
 * epoch differs from what was published; alerts change as conditions come and go. Pure.
 */
public final class ClusterDecider {
    private ClusterDecider() {
    }

    public static Decision decide(ClusterState state, Published published, AlertTracker alerts) {
        return decide(state, published, alerts, Instant.EPOCH, AlertDelays.NONE);
    }

    /** With alerts raised only once their condition held for its delay at {@code now}. */
    public static Decision decide(ClusterState state, Published published, AlertTracker alerts, Instant now,
                                  AlertDelays delays) {
        Derivation d = TopologyDeriver.derive(state);
        long epoch = state.epoch().epoch();
        boolean changed = !RoutingChange.same(published.assignment(), d.assignment()) || epoch != published.epoch();
        AlertTracker.Changes changes = alerts.update(d.conditions(), now, delays);
        if (!changed) {
            return new Decision(Optional.empty(), null, changes.raised(), changes.resolved(), changes.next());
        }
        return new Decision(Optional.of(new Published(published.generation() + 1, epoch, d.assignment())),
                RoutingChange.describe(published, d.assignment(), epoch), changes.raised(), changes.resolved(),
                changes.next());
    }
}
