package io.mysqlha.topology.core;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.NodeHealthObserved;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything topology keeps about one owned cluster between two decisions: spec, node tracks, the latest
 * failover epoch, what was last published and which alerts are raised. No I/O and no clock of its own: time
 * comes in as arguments. Used by one thread (the cluster's owner).
 *
 * <p>A cluster is <em>settled</em> once every node was observed, or once {@link #SETTLE_GRACE} (at least four
 * times {@code stale_after}) has passed since topology took the cluster over: before that, a node nobody has
 * reported on yet is unknown, not down, and deciding would publish a wrong intermediate answer. The grace is longer
 * than stale_after because a new cluster's first observations wait for the probe to take the spec, connect and
 * finish a first cycle, which on a loaded machine takes seconds.
 */
public final class ClusterBook {
    public static final java.time.Duration SETTLE_GRACE = java.time.Duration.ofSeconds(10);

    /** Why an input was not applied; each becomes a log line and a metric. */
    public enum Ignored {
        UNKNOWN_NODE, OUT_OF_ORDER, OLDER_EPOCH
    }

    private ClusterSpec spec;
    private long specVersion;
    private Hysteresis hysteresis;
    private final Map<String, NodeTrack> tracks = new HashMap<>();
    private FailoverEpoch epoch = FailoverEpoch.NONE;
    private Published published = Published.NONE;
    private AlertTracker alerts = AlertTracker.NONE;
    private final Instant since;
    private final AlertDelays delays;
    private boolean dirty = true;

    public ClusterBook(ClusterSpec spec, long specVersion, Instant since) {
        this(spec, specVersion, since, AlertDelays.DEFAULT);
    }

    public ClusterBook(ClusterSpec spec, long specVersion, Instant since, AlertDelays delays) {
        this.spec = spec;
        this.specVersion = specVersion;
        this.hysteresis = Hysteresis.of(spec.probe());
        this.since = since;
        this.delays = delays;
    }

    /** A new version of the spec: tracks of nodes that kept their id and address are kept, the rest forgotten. */
    public void respec(ClusterSpec next, long version) {
        tracks.keySet().removeIf(id -> {
            Optional<NodeSpec> now = next.node(id);
            Optional<NodeSpec> was = spec.node(id);
            return now.isEmpty() || was.isEmpty() || !now.get().address().equals(was.get().address());
        });
        spec = next;
        specVersion = version;
        hysteresis = Hysteresis.of(next.probe());
        dirty = true;
    }

    public Optional<Ignored> observe(NodeHealthObserved o) {
        Optional<NodeSpec> node = spec.node(o.nodeId());
        if (node.isEmpty()) {
            return Optional.of(Ignored.UNKNOWN_NODE);
        }
        NodeTrack before = tracks.getOrDefault(o.nodeId(), NodeTrack.unseen(o.nodeId()));
        if (before.lastObservedAt() != null && !o.header().time().isAfter(before.lastObservedAt())) {
            return Optional.of(Ignored.OUT_OF_ORDER);
        }
        NodeSpec n = node.get();
        long maxLag = n.maxReplicationLagMs() != null ? n.maxReplicationLagMs() : spec.routing().maxReplicationLagMs();
        tracks.put(o.nodeId(), before.observe(o, hysteresis, maxLag));
        dirty = true;
        return Optional.empty();
    }

    /** A completed failover designates the writer of a newer epoch; an older or repeated one changes nothing. */
    public Optional<Ignored> failover(FailoverCompleted done) {
        if (done.epoch() <= epoch.epoch()) {
            return Optional.of(Ignored.OLDER_EPOCH);
        }
        if (spec.node(done.newPrimary()).isEmpty()) {
            return Optional.of(Ignored.UNKNOWN_NODE);
        }
        epoch = new FailoverEpoch(done.epoch(), done.newPrimary(), done.header().time());
        dirty = true;
        return Optional.empty();
    }

    /**
     * Takes nodes with no observation for stale_after offline. When a node is due and no node at all was observed
     * for half of stale_after, the probe fell silent, not the nodes: every observed node goes stale together (and
     * routing is kept: ProbeSilent), rather than one by one as their last observations, a few ms apart, age (a
     * moment where the writer alone is stale would publish a cluster without a writer).
     */
    public void tick(Instant now) {
        Instant newest = tracks.values().stream().map(NodeTrack::lastObservedAt).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
        boolean due = tracks.values().stream().anyMatch(t -> t.tick(now, hysteresis) != t);
        boolean silent = due && newest != null && now.isAfter(newest.plus(hysteresis.staleAfter().dividedBy(2)));
        tracks.replaceAll((id, t) -> {
            NodeTrack next = silent ? t.silenced() : t.tick(now, hysteresis);
            if (next != t) {
                dirty = true;
            }
            return next;
        });
    }

    public boolean settledAt(Instant now) {
        java.time.Duration grace = hysteresis.staleAfter().multipliedBy(4);
        return spec.nodes().stream().allMatch(n -> tracks.containsKey(n.id()))
                || !now.isBefore(since.plus(grace.compareTo(SETTLE_GRACE) > 0 ? grace : SETTLE_GRACE));
    }

    /**
     * The decision to publish when something changed and the cluster is settled; empty otherwise. Until its
     * records are committed the cluster stays due, so a failed publish is decided again on the next look.
     */
    public Optional<Decision> decide(Instant now) {
        if (!dirty || !settledAt(now)) {
            return Optional.empty();
        }
        Decision d = ClusterDecider.decide(new ClusterState(spec, tracks, epoch, published.assignment()), published,
                alerts, now, delays);
        if (d.nothingToPublish()) {
            dirty = d.alerts().hasPending(); // look again on the next tick: a pending alert may be due by then
        }
        return Optional.of(d);
    }

    /** The decision's records are in Kafka: it becomes what was published. */
    public void committed(Decision d) {
        d.next().ifPresent(p -> published = p);
        alerts = d.alerts();
        dirty = alerts.hasPending();
    }

    /** The last TopologyChanged read back at take-over: generations continue from it. */
    public void restorePublished(Published p) {
        published = p;
        if (p.epoch() > epoch.epoch()) {
            epoch = new FailoverEpoch(p.epoch(), p.assignment().writers().isEmpty() ? null
                    : p.assignment().writers().getFirst().nodeId());
        }
        dirty = true;
    }

    /** The alerts this cluster has raised and not resolved, read back at take-over: none is raised twice. */
    public void restoreAlerts(AlertTracker active) {
        alerts = active;
    }

    public ClusterSpec spec() {
        return spec;
    }

    public long specVersion() {
        return specVersion;
    }

    public Published published() {
        return published;
    }

    public AlertTracker alerts() {
        return alerts;
    }

    public FailoverEpoch epoch() {
        return epoch;
    }

    public Map<String, NodeTrack> tracks() {
        return Map.copyOf(tracks);
    }
}
