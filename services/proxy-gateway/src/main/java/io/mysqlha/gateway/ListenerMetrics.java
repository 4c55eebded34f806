package io.mysqlha.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mysqlha.gateway.session.SessionMetrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-listener figures: connections by outcome, statements by node, the gateway's own errors by cause, hold time,
 * backend connects. Meters are registered once per listener and node; a statement costs one map lookup.
 */
final class ListenerMetrics implements SessionMetrics {
    final AtomicInteger open = new AtomicInteger();
    private final MeterRegistry registry;
    private final String cluster;
    private final String listener;
    private final Counter accepted;
    private final Counter rejectedTooMany;
    private final Map<Cause, Counter> errors = new EnumMap<>(Cause.class);
    private final Map<String, Counter> statements = new ConcurrentHashMap<>();
    private final Map<String, Counter> connects = new ConcurrentHashMap<>();
    private final Timer hold;
    private final Counter unclassified;
    private final Counter released;
    private final Map<String, Counter> pins = new ConcurrentHashMap<>();
    private final Timer causalApplied;
    private final Timer causalMissed;
    private final io.mysqlha.gateway.sql.QueryDigests digests = new io.mysqlha.gateway.sql.QueryDigests();

    ListenerMetrics(MeterRegistry registry, String cluster, String listener) {
        this.registry = registry;
        this.cluster = cluster;
        this.listener = listener;
        Gauge.builder("mysqlha.gateway.client.connections", open, AtomicInteger::get)
                .description("Client connections open now").tag("cluster", cluster).tag("listener", listener)
                .register(registry);
        accepted = connections("accepted");
        rejectedTooMany = connections("too_many_connections");
        for (Cause c : Cause.values()) {
            errors.put(c, Counter.builder("mysqlha.gateway.errors").description("Errors the gateway answered itself, by cause")
                    .tag("cluster", cluster).tag("listener", listener).tag("cause", c.name().toLowerCase())
                    .register(registry));
        }
        hold = Timer.builder("mysqlha.gateway.hold").description("How long statements waited for a backend")
                .tag("cluster", cluster).tag("listener", listener).publishPercentileHistogram().register(registry);
        unclassified = Counter.builder("mysqlha.gateway.unclassified.statements")
                .description("Statements the classifier could not read, sent to the writer")
                .tag("cluster", cluster).tag("listener", listener).register(registry);
        released = Counter.builder("mysqlha.gateway.backend.releases")
                .description("Backend connections given back by idle sessions (reopened at their next statement)")
                .tag("cluster", cluster).tag("listener", listener).register(registry);
        causalApplied = causal("applied");
        causalMissed = causal("writer");
    }

    private Timer causal(String outcome) {
        return Timer.builder("mysqlha.gateway.causal.wait")
                .description("Causal reads: how long a reader was waited for to apply the session's last write;"
                        + " outcome applied (the reader answered) or writer (it had not: the writer answered)")
                .tag("cluster", cluster).tag("listener", listener).tag("outcome", outcome).register(registry);
    }

    private Counter connections(String result) {
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
    public void error(Cause cause) {
        errors.get(cause).increment();
    }

    @Override
    public Runnable statements(String node) {
        Counter c = statements.computeIfAbsent(node, n -> Counter.builder("mysqlha.gateway.statements")
                .description("Statements sent, by node").tag("cluster", cluster).tag("listener", listener)
                .tag("node", n).register(registry));
        return c::increment;
    }

    @Override
    public void backendConnect(String node, boolean ok) {
        connects.computeIfAbsent(node + (ok ? "/ok" : "/failed"), k -> Counter.builder("mysqlha.gateway.backend.connects")
                .description("Backend connections opened, by node and result").tag("cluster", cluster)
                .tag("listener", listener).tag("node", node).tag("result", ok ? "ok" : "failed").register(registry))
                .increment();
    }

    @Override
    public io.mysqlha.gateway.sql.QueryDigests digests() {
        return digests;
    }

    @Override
    public void backendReleased() {
        released.increment();
    }

    @Override
    public void unclassified() {
        unclassified.increment();
    }

    @Override
    public void pinned(String reason) {
        // the variable a SET named is the client's to choose: one tag value for all of them (the session shows it)
        String tag = reason.startsWith("SET ") && !reason.equals("SET ROLE") ? "SET of a variable not carried"
                : reason;
        pins.computeIfAbsent(tag, r -> Counter.builder("mysqlha.gateway.pinned.sessions")
                .description("Sessions pinned to the writer (multiplexing and splitting off), by reason")
                .tag("cluster", cluster).tag("listener", listener).tag("reason", r).register(registry)).increment();
    }

    @Override
    public void causalWait(long nanos, boolean applied) {
        (applied ? causalApplied : causalMissed).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void held(long nanos) {
        hold.record(nanos, TimeUnit.NANOSECONDS);
    }
}
