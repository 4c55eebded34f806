package io.mysqlha.gateway.session;

import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
        this.only = new BackendPool(loop, 0, 1, clock);
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
                loops, System::nanoTime));
    }

    /**
     * Every node's figures over all loops: connections open, free and at most open, statements waiting, connections
     * created, borrowed (another session's), reclaimed (the session's own, still free), restored (given the session's
     * schema or state first), statements queued, timed out and turned away, the time waited, and why connections
     * closed (evicted to make room for another kind, aged out, trimmed while idle, closed while in use), and the pings
     * of idle connections with those that failed; the peak is
     * the sum of each loop's (at least the true peak).
     */
    public List<Map<String, Object>> view() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (BackendPool p : pools.values()) {
            for (BackendPool.NodeView v : p.view()) {
                long[] s = sums.computeIfAbsent(v.cluster() + "\n" + v.node(), k -> new long[19]);
                long[] add = {v.open(), v.free(), v.waiting(), v.share(), v.created(), v.borrowed(), v.reclaimed(),
                        v.restored(), v.queued(), v.queueTimeouts(), v.queueFull(), v.waitedMicros(), v.maxOpen(),
                        v.evicted(), v.aged(), v.trimmed(), v.closedInUse(), v.pings(), v.pingFailures()};
                for (int i = 0; i < add.length; i++) {
                    s[i] += add[i];
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        String[] names = {"open", "free", "waiting", "maxConnections", "created", "borrowed", "reclaimed", "restored",
                "queued", "queueTimeouts", "queueFull", "waitedMicros", "peakOpen", "evicted", "aged", "trimmed",
                "closedInUse", "pings", "pingFailures"};
        sums.forEach((key, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cluster", key.substring(0, key.indexOf('\n')));
            m.put("node", key.substring(key.indexOf('\n') + 1));
            for (int i = 0; i < names.length; i++) {
                m.put(names[i], s[i]);
            }
            out.add(m);
        });
        return out;
    }
}
