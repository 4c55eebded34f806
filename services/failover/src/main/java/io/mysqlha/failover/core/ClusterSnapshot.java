package io.mysqlha.failover.core;

import io.mysqlha.domain.ClusterSpec;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one analysis looks at, flat: the spec, who the primary is, the epoch, each node's view.
 *
 * @param primaryId     the node that holds the current epoch's writes (null when none is known)
 * @param formerPrimary the primary the last failover replaced (null before any)
 * @param downAfter     failed observations in a row before the primary counts as lost
 * @param settledAfter  when the current epoch began (null before any failover): an observation made before it
 *                      shows the cluster as it was, and says nothing about the nodes' roles now
 */
public record ClusterSnapshot(ClusterSpec spec, String primaryId, long epoch, String formerPrimary,
                              Map<String, NodeView> nodes, int downAfter, Instant settledAfter) {

    public ClusterSnapshot {
        nodes = Map.copyOf(nodes);
    }

    public Optional<NodeView> primary() {
        return Optional.ofNullable(primaryId).map(nodes::get);
    }

    /** True when the node's latest observation was made in the current epoch. */
    public boolean current(NodeView n) {
        return settledAfter == null || (n.latest() != null && n.latest().header().time().isAfter(settledAfter));
    }

    /** Every node but the primary, in the spec's order. */
    public List<NodeView> others() {
        return spec.nodes().stream().filter(n -> !n.id().equals(primaryId)).map(n -> nodes.get(n.id())).toList();
    }
}
