package io.mysqlha.probe.io;

import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** The heartbeat values this probe wrote to each source recently, which {@code HeartbeatLag} measures against. */
final class HeartbeatBook {
    private static final int KEEP = 512; // over four minutes at 500 ms: longer lags fall back to the row's age

    private final Map<String, NavigableSet<Long>> written = new ConcurrentHashMap<>();

    void wrote(String nodeId, long micros) {
        NavigableSet<Long> set = written.computeIfAbsent(nodeId, k -> new ConcurrentSkipListSet<>());
        set.add(micros);
        while (set.size() > KEEP) {
            set.pollFirst();
        }
    }

    NavigableSet<Long> writtenTo(String nodeId) {
        return written.getOrDefault(nodeId, new ConcurrentSkipListSet<>());
    }
}
