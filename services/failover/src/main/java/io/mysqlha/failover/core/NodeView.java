package io.mysqlha.failover.core;

import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.NodeHealthObserved;

/**
 * One node as the analysis sees it: its spec, the latest observation, the last one that reached it, and how many
 * observations in a row failed.
 *
 * @param latest          null when no probe reported on the node yet
 * @param lastGood        null when no probe reached it yet
 * @param failuresInARow  0 after a successful observation
 */
public record NodeView(NodeSpec spec, NodeHealthObserved latest, NodeHealthObserved lastGood, int failuresInARow) {

    public String id() {
        return spec.id();
    }

    public boolean reachable() {
        return latest != null && latest.reachable();
    }

    /** True when this node replicates (in its last good observation) from {@code source}. */
    public boolean replicatesFrom(NodeSpec source) {
        return lastGood != null && lastGood.replication() != null
                && source.isAt(lastGood.replication().sourceHost(), lastGood.replication().sourcePort());
    }

    public String describe() {
        if (latest == null) {
            return "never observed";
        }
        if (!latest.reachable()) {
            return "unreachable " + failuresInARow + "x (" + (latest.failure() == null ? "?"
                    : latest.failure().reason()) + ")";
        }
        StringBuilder sb = new StringBuilder("reachable, read_only=" + (Boolean.TRUE.equals(latest.readOnly())
                ? "ON" : "OFF"));
        if (latest.replication() != null) {
            sb.append(", source ").append(latest.replication().sourceHost()).append(':')
                    .append(latest.replication().sourcePort()).append(", io=").append(latest.replication().ioThread())
                    .append(", sql=").append(latest.replication().sqlThread());
        }
        return sb.toString();
    }
}
