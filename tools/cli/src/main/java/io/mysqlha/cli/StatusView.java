package io.mysqlha.cli;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.TopologyChanged;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@code mysqlha status <cluster>} prints, from the cluster's spec, its latest topology and latest probes. */
final class StatusView {
    private StatusView() {
    }

    static String render(ClusterSpec spec, TopologyChanged topology, Map<String, NodeHealthObserved> health,
                         Instant now) {
        StringBuilder out = new StringBuilder();
        out.append("cluster ").append(spec.clusterId()).append(" (").append(Mysqlha.shown(spec.kind())).append(")");
        if (topology == null) {
            out.append(": no topology published yet (is the topology service running?)\n");
        } else {
            out.append(": generation ").append(topology.generation()).append(", epoch ").append(topology.epoch())
                    .append(", ").append(topology.writers().isEmpty() ? "NO WRITER" : "writer "
                            + String.join(", ", topology.writers().stream().map(TopologyChanged.AssignedNode::nodeId)
                            .toList())).append("\n  last change ").append(ago(topology.header().time(), now))
                    .append(": ").append(topology.cause()).append('\n');
        }
        Table table = new Table("NODE", "ADDRESS", "ROLE", "READ_ONLY", "LAG", "GTID", "PROBED", "NOTE");
        for (NodeSpec n : spec.nodes()) {
            NodeHealthObserved h = health.get(n.id());
            Role role = role(topology, n.id());
            table.row(n.id(), n.host() + ":" + n.port(), role.name, h == null || !h.reachable() ? null
                            : h.readOnly() == null ? null : h.readOnly() ? "ON" : "OFF",
                    h == null || h.lagMillis() == null ? null : h.lagMillis() + " ms",
                    h == null || h.gtid() == null ? null : gtid(h),
                    h == null ? "never" : ago(h.header().time(), now),
                    note(role, h));
        }
        return out.append('\n').append(table.render()).toString();
    }

    private record Role(String name, String reason) {
    }

    private static Role role(TopologyChanged t, String node) {
        if (t == null) {
            return new Role("unknown", null);
        }
        List<String> names = new java.util.ArrayList<>();
        String reason = null;
        for (var e : List.of(Map.entry("writer", t.writers()), Map.entry("reader", t.readers()),
                Map.entry("backup-writer", t.backupWriters()), Map.entry("offline", t.offline()))) {
            Optional<TopologyChanged.AssignedNode> found = e.getValue().stream().filter(a -> a.nodeId().equals(node))
                    .findFirst();
            if (found.isPresent()) {
                names.add(e.getKey());
                reason = reason == null ? found.get().reason() : reason;
            }
        }
        return names.isEmpty() ? new Role("unassigned", null) : new Role(String.join("+", names), reason);
    }

    private static String gtid(NodeHealthObserved h) {
        String g = h.gtid().currentPos() != null ? h.gtid().currentPos() : h.gtid().executed();
        return g == null || g.isBlank() ? null : g.length() > 40 ? g.substring(0, 37) + "..." : g;
    }

    private static String note(Role role, NodeHealthObserved h) {
        if (h != null && !h.reachable()) {
            return "unreachable: " + (h.failure() == null ? "?" : h.failure().reason().name().toLowerCase() + (h.failure().message() == null ? "" : " " + h.failure().message()));
        }
        return role.name().contains("offline") || role.name().contains("backup-writer") ? role.reason() : null;
    }

    static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative()) {
            return "just now";
        }
        long s = d.toSeconds();
        return s < 1 ? d.toMillis() + " ms ago" : s < 120 ? s + " s ago" : s < 7200 ? s / 60 + " min ago"
                : s / 3600 + " h ago";
    }
}
