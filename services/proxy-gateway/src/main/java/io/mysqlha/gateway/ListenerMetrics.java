package io.mysqlha.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** Per-listener connection figures, registered once, updated without allocation. */
final class ListenerMetrics {
    final AtomicInteger open = new AtomicInteger();
    final Counter accepted;
    final Counter rejectedTooMany;
    final Counter backendUnavailable;

    ListenerMetrics(MeterRegistry registry, String listener) {
        Gauge.builder("mysqlha.gateway.client.connections", open, AtomicInteger::get)
                .description("Client connections open now").tag("listener", listener).register(registry);
        accepted = counter(registry, listener, "accepted");
        rejectedTooMany = counter(registry, listener, "too_many_connections");
        backendUnavailable = counter(registry, listener, "backend_unavailable");
    }

    private static Counter counter(MeterRegistry registry, String listener, String result) {
        return Counter.builder("mysqlha.gateway.connections").description("Client connections by outcome")
                .tag("listener", listener).tag("result", result).register(registry);
    }
}
