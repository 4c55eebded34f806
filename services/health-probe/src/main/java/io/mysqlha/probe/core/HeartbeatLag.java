package io.mysqlha.probe.core;

import java.util.NavigableSet;

/**
 * Replication lag in milliseconds from heartbeats (pt-heartbeat's idea, one clock): the probe writes its own
 * clock's time into the source's heartbeat row each cycle and remembers what it wrote; a replica that shows an
 * older value has been missing the next heartbeat since that one was written. Using only the probe's clock
 * makes server clock skew irrelevant, and knowing the writes removes pt-heartbeat's up-to-one-interval error.
 */
public final class HeartbeatLag {
    private HeartbeatLag() {
    }

    /**
     * @param seenMicros    the heartbeat value the replica has applied
     * @param nowMicros     the probe's clock now
     * @param writtenMicros heartbeat values the probe wrote to the source recently (may be empty after a restart)
     */
    public static long millis(long seenMicros, long nowMicros, NavigableSet<Long> writtenMicros) {
        if (!writtenMicros.isEmpty() && seenMicros >= writtenMicros.last()) {
            return 0;
        }
        Long missingSince = writtenMicros.higher(seenMicros);
        long since = missingSince == null ? seenMicros : missingSince;
        return Math.max(0, (nowMicros - since) / 1000);
    }
}
