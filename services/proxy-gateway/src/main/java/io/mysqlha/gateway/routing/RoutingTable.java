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
    private final CopyOnWriteArrayList<Consumer<Routes>> listeners = new CopyOnWriteArrayList<>();

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
            listeners.forEach(l -> l.accept(next));
            return Applied.NEWER;
        }
        return Applied.STALE;
    }

    /** The cluster was removed (tombstone): nothing routes to it any more. */
    public void remove(String clusterId) {
        routes.remove(clusterId);
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
