package io.mysqlha.gateway.routing;

import io.mysqlha.events.TopologyChanged;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The latest routes of every cluster. Only a newer generation replaces what is there (an older or repeated one is
 * ignored and counted), so a late or replayed record never moves traffic back. Read from every event loop; written by
 * the topology consumer; listeners hear of each change (sessions waiting for a writer resume on it).
 */
public final class RoutingTable {
    /** What an update did. */
    public enum Applied { NEWER, STALE }

    private final Map<String, Routes> routes = new ConcurrentHashMap<>();
    /** Clusters whose primary is being replaced: failover id and the epoch that ends the hold. */
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    /** New writes wait while a switchover or failover replaces the primary. */
    public record Hold(String failoverId, long untilEpoch) {
    }
    private final CopyOnWriteArrayList<Consumer<Routes>> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    /** Moves on every change of routes or holds (sessions re-check their node only then). */
    public long version() {
        return version.get();
    }

    public Applied apply(TopologyChanged t) {
        Routes next = Routes.of(t);
        boolean[] newer = {false};
        routes.compute(t.clusterId(), (id, current) -> {
            if (current == null || next.generation() > current.generation()) {
                newer[0] = true;
                return next;
            }
            return current;
        });
        if (newer[0]) {
            version.incrementAndGet();
            holds.computeIfPresent(t.clusterId(), (id, h) -> next.epoch() >= h.untilEpoch() ? null : h);
            listeners.forEach(l -> l.accept(next));
            return Applied.NEWER;
        }
        return Applied.STALE;
    }

    /**
     * A primary change began: writes to the cluster wait (statements in flight and open transactions finish where
     * they are) until a topology of the new epoch names the writer, or the change ends.
     */
    public void holdWrites(String clusterId, String failoverId, long epoch) {
        Routes current = routes.get(clusterId);
        if (current == null || current.epoch() < epoch) {
            holds.put(clusterId, new Hold(failoverId, epoch));
            version.incrementAndGet();
        }
    }

    /** The change ended (completed or failed): writes go to whatever writer the topology names. */
    public void release(String clusterId, String failoverId) {
        if (holds.computeIfPresent(clusterId, (id, h) -> h.failoverId().equals(failoverId) ? null : h) == null) {
            version.incrementAndGet();
            routes(clusterId).ifPresent(r -> listeners.forEach(l -> l.accept(r)));
        }
    }

    public Optional<Hold> hold(String clusterId) {
        return Optional.ofNullable(holds.get(clusterId));
    }

    /** The cluster was removed (tombstone): nothing routes to it any more. */
    public void remove(String clusterId) {
        routes.remove(clusterId);
        version.incrementAndGet();
    }

    public Optional<Routes> routes(String clusterId) {
        return Optional.ofNullable(routes.get(clusterId));
    }

    public Map<String, Routes> all() {
        return Map.copyOf(routes);
    }

    public void onChange(Consumer<Routes> listener) {
        listeners.add(listener);
    }
}
