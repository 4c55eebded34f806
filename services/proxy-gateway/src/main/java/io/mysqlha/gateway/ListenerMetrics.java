package io.mysqlha.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mysqlha.gateway.session.SessionMetrics;

import java.util.concurrent.atomic.AtomicInteger;

/** Per-listener connection figures, registered once, updated without allocation. */
final class ListenerMetrics implements SessionMetrics {
    final AtomicInteger open = new AtomicInteger();
    private final Counter accepted;
    private final Counter rejectedTooMany;
    private final Counter backendUnavailable;
    private final Counter authFailed;

    ListenerMetrics(MeterRegistry registry, String cluster, String listener) {
        Gauge.builder("mysqlha.gateway.client.connections", open, AtomicInteger::get)
                .description("Client connections open now").tag("cluster", cluster).tag("listener", listener)
                .register(registry);
        accepted = counter(registry, cluster, listener, "accepted");
        rejectedTooMany = counter(registry, cluster, listener, "too_many_connections");
        backendUnavailable = counter(registry, cluster, listener, "backend_unavailable");
        authFailed = counter(registry, cluster, listener, "access_denied");
    }

    private static Counter counter(MeterRegistry registry, String cluster, String listener, String result) {
        return Counter.builder("mysqlha.gateway.connections").description("Client connections by outcome")
                .tag("cluster", cluster).tag("listener", listener).tag("result", result).register(registry);
    }

    @Override
    public int opened() {
        return open.incrementAndGet();
    }

    @Override
    public void closed() {
        open.decrementAndGet();
    }

    @Override
    public void refusedTooMany() {
        rejectedTooMany.increment();
    }

    @Override
    public void authenticated() {
        accepted.increment();
    }

    @Override
    public void authFailed() {
        authFailed.increment();
    }

    @Override
    public void backendUnavailable() {
        backendUnavailable.increment();
    }
}
