package io.mysqlha.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mysqlha.gateway.session.BackendPools;

/**
 * The multiplexing pools' figures per cluster and node (what {@code GET /gateway/pools} shows), as meters read from
 * the pools when scraped, registered once per node the first time a pool serves it. The multiplexing ratio is
 * {@code mysqlha_gateway_client_connections} over {@code mysqlha_gateway_pool_connections{state="open"}}.
 */
final class PoolMetrics {
    private static final String CLOSES = "Pooled connections that closed, by why";
    private static final String BORROWS = "Connections sessions took from the pool: their own back, or another";

    private final MeterRegistry registry;
    private final BackendPools pools;
    private final String cluster;
    private final String node;

    private PoolMetrics(MeterRegistry registry, BackendPools pools, String cluster, String node) {
        this.registry = registry;
        this.pools = pools;
        this.cluster = cluster;
        this.node = node;
    }

    static void register(MeterRegistry registry, BackendPools pools, String cluster, String node) {
        PoolMetrics m = new PoolMetrics(registry, pools, cluster, node);
        m.gauge("mysqlha.gateway.pool.connections", "Pooled backend connections, by state", "open", "state", "open");
        m.gauge("mysqlha.gateway.pool.connections", "Pooled backend connections, by state", "free", "state", "free");
        m.gauge("mysqlha.gateway.pool.max.connections", "routing.pool.max_connections", "maxConnections");
        m.gauge("mysqlha.gateway.pool.waiting", "Statements waiting for a free connection now", "waiting");
        m.counter("mysqlha.gateway.pool.connections.created", "Backend connections the pool opened", "created", 1);
        m.counter("mysqlha.gateway.pool.borrows", BORROWS, "borrowed", 1, "kind", "other");
        m.counter("mysqlha.gateway.pool.borrows", BORROWS, "reclaimed", 1, "kind", "own");
        m.counter("mysqlha.gateway.pool.restores", "Borrowed connections given the session's schema or state first",
                "restored", 1);
        m.counter("mysqlha.gateway.pool.queued", "Statements that waited for a connection", "queued", 1);
        m.counter("mysqlha.gateway.pool.queue.timeouts", "Statements that got 9001 after routing.pool.queue_timeout_ms",
                "queueTimeouts", 1);
        m.counter("mysqlha.gateway.pool.queue.full", "Statements that got 9001 at once (routing.pool.max_queue)",
                "queueFull", 1);
        m.counter("mysqlha.gateway.pool.wait.seconds", "Time statements waited for a connection", "waitedMicros",
                1e-6);
        m.counter("mysqlha.gateway.pool.pings", "COM_PINGs of idle free connections", "pings", 1);
        m.counter("mysqlha.gateway.pool.closes", CLOSES, "evicted", 1, "reason", "evicted");
        m.counter("mysqlha.gateway.pool.closes", CLOSES, "aged", 1, "reason", "aged");
        m.counter("mysqlha.gateway.pool.closes", CLOSES, "trimmed", 1, "reason", "trimmed");
        m.counter("mysqlha.gateway.pool.closes", CLOSES, "closedInUse", 1, "reason", "in_use");
        m.counter("mysqlha.gateway.pool.closes", CLOSES, "pingFailures", 1, "reason", "ping_failed");
    }

    private Tags tags(String... more) {
        return Tags.of("cluster", cluster, "node", node).and(more);
    }

    private void gauge(String name, String description, String figure, String... tags) {
        Gauge.builder(name, pools, p -> p.figure(cluster, node, figure)).description(description).tags(tags(tags))
                .register(registry);
    }

    private void counter(String name, String description, String figure, double scale, String... tags) {
        FunctionCounter.builder(name, pools, p -> p.figure(cluster, node, figure) * scale).description(description)
                .tags(tags(tags)).register(registry);
    }
}
