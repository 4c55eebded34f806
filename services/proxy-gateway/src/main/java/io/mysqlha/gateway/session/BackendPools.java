package io.mysqlha.gateway.session;

import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** The gateway's backend connection pools: one per event loop, each with its share of every node's maximum. */
public final class BackendPools {
    private final int loops;
    private final Map<EventLoop, BackendPool> pools = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();

    /** When set, every session uses this one pool (sessions on test channels that all run on the test's thread). */
    private final BackendPool only;

    /** @param loops the event loops sessions run on (a node's {@code max_connections} is shared out among them) */
    public BackendPools(int loops) {
        this.loops = Math.max(1, loops);
        this.only = null;
    }

    private BackendPools(EventLoop loop, java.util.function.LongSupplier clock) {
        this.loops = 1;
        this.only = new BackendPool(loop, 0, 1, clock, this::seen);
        pools.put(loop, only);
    }

    /**
     * One pool on {@code loop} for every session, whatever its loop, with its idle times read off {@code clock}
     * (nanoseconds): for sessions on one thread (tests).
     */
    static BackendPools single(EventLoop loop, java.util.function.LongSupplier clock) {
        return new BackendPools(loop, clock);
    }

    /** The pool of the loop (made on its first use, on that loop). */
    BackendPool of(EventLoop loop) {
        return only != null ? only : pools.computeIfAbsent(loop, l -> new BackendPool(l, made.getAndIncrement() % loops,
                loops, System::nanoTime, this::seen));
    }

    /** The figures of {@link #view()}, in the order {@link BackendPool.NodeView#figures()} gives them. */
    private static final List<String> FIGURES = List.of("open", "free", "waiting", "maxConnections", "created",
            "borrowed", "reclaimed", "restored", "queued", "queueTimeouts", "queueFull", "waitedMicros", "peakOpen",
            "evicted", "aged", "trimmed", "closedInUse", "pings", "pingFailures");

    /** Told once of each cluster and node, the first time a pool serves it (the gateway registers its meters). */
    private volatile BiConsumer<String, String> onNewNode = (cluster, node) -> { };
    private final java.util.Set<String> seen = ConcurrentHashMap.newKeySet();

    /** From now on, {@code hook} hears of each cluster and node a pool serves for the first time. */
    public void onNewNode(BiConsumer<String, String> hook) {
        onNewNode = hook;
    }

    /** A pool serves the node for the first time (on its loop). */
    private void seen(String cluster, String node) {
        if (seen.add(cluster + "\n" + node)) {
            onNewNode.accept(cluster, node);
        }
    }

    /**
     * Every node's figures over all loops: connections open, free and at most open, statements waiting, connections
     * created, borrowed (another session's), reclaimed (the session's own, still free), restored (given the session's
     * schema or state first), statements queued, timed out and turned away, the time waited, why connections closed
     * (evicted to make room for another kind, aged out, trimmed while idle, closed while in use), and the pings of
     * idle connections with those that failed; the peak is the sum of each loop's (at least the true peak). Read
     * off the loops: approximate.
     */
    public List<Map<String, Object>> view() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (BackendPool p : pools.values()) {
            for (BackendPool.NodeView v : p.view()) {
                add(sums.computeIfAbsent(v.cluster() + "\n" + v.node(), k -> new long[FIGURES.size()]), v);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        sums.forEach((key, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cluster", key.substring(0, key.indexOf('\n')));
            m.put("node", key.substring(key.indexOf('\n') + 1));
            for (int i = 0; i < FIGURES.size(); i++) {
                m.put(FIGURES.get(i), s[i]);
            }
            out.add(m);
        });
        return out;
    }

    /** One figure of {@link #view()} (its name there) for one node, over all loops: for a meter. */
    public long figure(String cluster, String node, String name) {
        int at = FIGURES.indexOf(name);
        if (at < 0) {
            throw new IllegalArgumentException("no pool figure " + name + "; one of " + FIGURES);
        }
        long[] sum = new long[FIGURES.size()];
        for (BackendPool p : pools.values()) {
            BackendPool.NodeView v = p.view(cluster, node);
            if (v != null) {
                add(sum, v);
            }
        }
        return sum[at];
    }

    private static void add(long[] sum, BackendPool.NodeView v) {
        long[] figures = v.figures();
        for (int i = 0; i < figures.length; i++) {
            sum[i] += figures[i];
        }
    }
}
