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
                    + " answers but the probe cannot log in as the spec says (monitor credentials or TLS): "
                    + o.failure().message());
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

    /**
     * The nodes that are up; every other node is placed offline with the reason and its NodeDown or
     * NodeUnreachableAuth condition. Every kind's rules start here.
     */
    static java.util.List<NodeSpec> up(ClusterState s, Sets sets, java.util.List<AlertCondition> conditions) {
        java.util.List<NodeSpec> up = new java.util.ArrayList<>();
        for (NodeSpec n : s.spec().nodes()) {
            NodeTrack t = s.track(n.id());
            if (t.up()) {
                up.add(n);
            } else {
                sets.offline.add(place(n, downReason(t)));
                conditions.add(downCondition(n, t));
            }
        }
        return up;
    }

    /** Up nodes split by what they report: read_only=OFF (could write) and the rest. */
    record ByReadOnly(java.util.List<NodeSpec> writable, java.util.List<NodeSpec> readOnly) {
    }

    static ByReadOnly byReadOnly(ClusterState s, java.util.List<NodeSpec> up) {
        java.util.List<NodeSpec> writable = new java.util.ArrayList<>();
        java.util.List<NodeSpec> readOnly = new java.util.ArrayList<>();
        for (NodeSpec n : up) {
            (Boolean.FALSE.equals(s.track(n.id()).lastGood().readOnly()) ? writable : readOnly).add(n);
        }
        return new ByReadOnly(writable, readOnly);
    }
}
