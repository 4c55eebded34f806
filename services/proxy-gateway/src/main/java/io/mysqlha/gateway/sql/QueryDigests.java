package io.mysqlha.gateway.sql;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-digest figures, as ProxySQL's stats_mysql_query_digest: for each (digest, route) the statements, rows sent,
 * errors and latency (sum, min, max). At most {@link #MAX_DIGESTS} digests are kept; statements of any digest past
 * that are counted in one "(other digests)" entry, so a stream of distinct statements cannot grow memory. Updated from
 * every event loop; lock-free.
 */
public final class QueryDigests {
    public static final int MAX_DIGESTS = 5_000;
    static final String OTHER = "(other digests)";

    /** One digest on one route. */
    public static final class Entry {
        final String text;
        final String route;
        final long hash;
        final LongAdder count = new LongAdder();
        final LongAdder rows = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder sumNanos = new LongAdder();
        final AtomicLong minNanos = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong maxNanos = new AtomicLong();

        Entry(long hash, String text, String route) {
            this.hash = hash;
            this.text = text;
            this.route = route;
        }

        void record(long nanos, long rowCount, boolean error) {
            count.increment();
            rows.add(rowCount);
            if (error) {
                errors.increment();
            }
            sumNanos.add(nanos);
            if (nanos < minNanos.get()) { // read first: a hot digest is updated from every event loop
                minNanos.accumulateAndGet(nanos, Math::min);
            }
            if (nanos > maxNanos.get()) {
                maxNanos.accumulateAndGet(nanos, Math::max);
            }
        }
    }

    /** A digest as the admin API shows it (latencies in microseconds). */
    public record View(String digest, String digestText, String route, long count, long rows, long errors,
                       long sumMicros, long minMicros, long maxMicros) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    private record Key(long hash, String route) {
    }

    /** The entry for this digest and route; {@code text} is asked for only the first time it is seen. */
    public Entry entry(long hash, String route, java.util.function.Supplier<String> text) {
        Key key = new Key(hash, route);
        Entry e = entries.get(key);
        if (e != null) {
            return e;
        }
        if (entries.size() >= MAX_DIGESTS) {
            return entries.computeIfAbsent(new Key(0, route), k -> new Entry(0, OTHER, route));
        }
        return entries.computeIfAbsent(key, k -> new Entry(hash, text.get(), route));
    }

    public static void record(Entry e, long nanos, long rows, boolean error) {
        e.record(nanos, rows, error);
    }

    /** The top {@code n} by statement count. */
    public List<View> top(int n) {
        return entries.values().stream().sorted(Comparator.comparingLong((Entry e) -> e.count.sum()).reversed())
                .limit(n).map(e -> {
                    long c = e.count.sum();
                    long min = e.minNanos.get();
                    return new View(String.format("0x%016X", e.hash), e.text, e.route, c, e.rows.sum(),
                            e.errors.sum(), e.sumNanos.sum() / 1_000, c == 0 || min == Long.MAX_VALUE ? 0 : min / 1_000,
                            e.maxNanos.get() / 1_000);
                }).toList();
    }

    public int size() {
        return entries.size();
    }

    public void clear() {
        entries.clear();
    }
}
