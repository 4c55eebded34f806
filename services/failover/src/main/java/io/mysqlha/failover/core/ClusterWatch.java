package io.mysqlha.failover.core;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.TopologyChanged;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What failover knows of one cluster, fed by the events it reads: the spec, each node's latest observations and
 * failure streak, the epoch and its primary, and which analyses were already published. No I/O, no clock.
 *
 * <p>The primary is the one the latest completed failover named; before any, the topology's writer; before
 * topology said anything, the single node that is not read-only. A primary that died is still the primary here
 * (topology takes it out of the writers; failover must remember whom it replaces).
 */
public final class ClusterWatch {
    private ClusterSpec spec;
    private final Map<String, NodeView> views = new HashMap<>();
    private long epoch;
    private String epochPrimary;
    private String formerPrimary;
    private String topologyWriter;
    private Instant epochSince;
    private Set<String> published = Set.of();

    public ClusterWatch(ClusterSpec spec) {
        this.spec = spec;
    }

    public ClusterSpec spec() {
        return spec;
    }

    public void respec(ClusterSpec next) {
        spec = next;
        views.keySet().removeIf(id -> next.node(id).isEmpty());
    }

    /** Records an observation; false when it is of a node the spec lacks, or older than what is held. */
    public boolean observe(NodeHealthObserved o) {
        Optional<NodeSpec> node = spec.node(o.nodeId());
        if (node.isEmpty()) {
            return false;
        }
        NodeView v = views.get(o.nodeId());
        if (v != null && v.latest() != null && o.header().time().isBefore(v.latest().header().time())) {
            return false;
        }
        NodeHealthObserved lastGood = o.reachable() ? o : v == null ? null : v.lastGood();
        int failures = o.reachable() ? 0 : (v == null ? 0 : v.failuresInARow()) + 1;
        views.put(o.nodeId(), new NodeView(node.get(), o, lastGood, failures));
        return true;
    }

    public void topology(TopologyChanged t) {
        epoch = Math.max(epoch, t.epoch());
        if (!t.writers().isEmpty()) {
            topologyWriter = t.writers().getFirst().nodeId();
        }
    }

    /** A completed failover of a newer (or the same) epoch names the primary; older ones change nothing. */
    public boolean failoverCompleted(FailoverCompleted f) {
        if (f.epoch() < epoch || (f.epoch() == epoch && epochPrimary != null)) {
            return false;
        }
        epoch = f.epoch();
        epochPrimary = f.newPrimary();
        formerPrimary = f.oldPrimary();
        epochSince = f.header().time();
        return true;
    }

    public long epoch() {
        return epoch;
    }

    public Optional<String> primaryId() {
        if (epochPrimary != null) {
            return Optional.of(epochPrimary);
        }
        if (topologyWriter != null) {
            return Optional.of(topologyWriter);
        }
        List<String> writable = views.values().stream().filter(v -> v.lastGood() != null
                && Boolean.FALSE.equals(v.lastGood().readOnly())).map(NodeView::id).toList();
        return writable.size() == 1 ? Optional.of(writable.getFirst()) : Optional.empty();
    }

    public Optional<NodeView> view(String nodeId) {
        return Optional.ofNullable(views.get(nodeId));
    }

    public ClusterSnapshot snapshot() {
        Map<String, NodeView> nodes = new HashMap<>();
        for (NodeSpec n : spec.nodes()) {
            nodes.put(n.id(), views.getOrDefault(n.id(), new NodeView(n, null, null, 0)));
        }
        return new ClusterSnapshot(spec, primaryId().orElse(null), epoch, formerPrimary, nodes,
                spec.probe().downAfter(), epochSince);
    }

    /**
     * The analyses that are news: found now and not in the last published set; a return to no problem at all is
     * news once. Marks them published.
     */
    public List<Analysis> news(List<Analysis> found, Instant now) {
        Set<String> keys = new LinkedHashSet<>();
        found.forEach(a -> keys.add(a.key()));
        List<Analysis> fresh = found.stream().filter(a -> !published.contains(a.key())).toList();
        boolean cleared = found.isEmpty() && !published.isEmpty();
        published = new HashSet<>(keys);
        if (cleared) {
            return List.of(new Analysis(Problem.NoProblem, null, "every earlier problem of " + spec.clusterId()
                    + " is gone", Map.of()));
        }
        return fresh;
    }

    /** Forget a published analysis so the next round finds it news again (after a recovery of it failed). */
    public void forget(Analysis a) {
        Set<String> next = new HashSet<>(published);
        next.remove(a.key());
        published = next;
    }
}
