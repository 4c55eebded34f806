package io.mysqlha.topology.core;

import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Severity;
import io.mysqlha.events.health.ProbeFailure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reasons and alert conditions about single nodes, shared by every kind's rules. */
final class Nodes {
    private Nodes() {
    }

    static String downReason(NodeTrack t) {
        if (!t.observed()) {
            return "never observed yet";
        }
        if (t.stale()) {
            return "no observation since " + t.lastObservedAt();
        }
        NodeHealthObserved o = t.latest();
        if (o.reachable()) {
            return "recovering: " + t.goodStreak() + " good observation(s) so far";
        }
        return "unreachable: " + o.failure().reason() + " (" + o.failure().message() + ")";
    }

    static AlertCondition downCondition(NodeSpec n, NodeTrack t) {
        NodeHealthObserved o = t.latest();
        if (o != null && !o.reachable() && o.failure().reason() == ProbeFailure.Reason.AUTH_FAILURE && !t.stale()) {
            return new AlertCondition("NodeUnreachableAuth", Severity.WARNING, n.id(), n.id()
                    + " answers but refuses the monitor user's credentials: " + o.failure().message());
        }
        return new AlertCondition("NodeDown", Severity.CRITICAL, n.id(), n.id() + " " + downReason(t));
    }

    static Placement place(NodeSpec n, String reason) {
        return new Placement(n.id(), n.host(), n.port(), n.weight(), reason);
    }

    static Set<String> ids(List<Placement> ps) {
        Set<String> ids = new LinkedHashSet<>();
        ps.forEach(p -> ids.add(p.nodeId()));
        return ids;
    }
}
