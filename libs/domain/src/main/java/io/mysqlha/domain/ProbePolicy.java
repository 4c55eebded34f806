package io.mysqlha.domain;

/**
 * How often and how patiently the health probe looks at each node of the cluster, and how many observations
 * topology needs before it changes its mind about a node (so nodes do not flap).
 *
 * @param intervalMs   time between two probe cycles of one node
 * @param timeoutMs    connect-and-query budget of one probe; must be shorter than the interval
 * @param heartbeat    write a heartbeat row on the writer every cycle and measure lag from it
 * @param downAfter    a node goes offline after this many consecutive failed observations (default 2); the same
 *                     count shuns a replica for lag
 * @param upAfter      and comes back after this many consecutive good ones (default 2)
 * @param staleAfterMs a node with no observation for this long is offline (default 3 intervals)
 * @param fastIntervalMs while a Group Replication group shows no primary the probes can reach (its own election
 *                     is under way), the members that answer are probed this often instead (default 100, never
 *                     more than the interval), so its new primary is routed to within about this long
 */
public record ProbePolicy(Integer intervalMs, Integer timeoutMs, Boolean heartbeat, Integer downAfter,
                          Integer upAfter, Integer staleAfterMs, Integer fastIntervalMs) {

    public static final ProbePolicy DEFAULTS = new ProbePolicy(null, null, null, null, null, null, null);
    public static final int DEFAULT_FAST_INTERVAL_MS = 100;

    public ProbePolicy {
        intervalMs = intervalMs == null ? 500 : intervalMs;
        timeoutMs = timeoutMs == null ? 400 : timeoutMs;
        heartbeat = heartbeat == null || heartbeat;
        downAfter = downAfter == null ? 2 : downAfter;
        upAfter = upAfter == null ? 2 : upAfter;
        staleAfterMs = staleAfterMs == null ? 3 * intervalMs : staleAfterMs;
        fastIntervalMs = fastIntervalMs == null ? Math.min(DEFAULT_FAST_INTERVAL_MS, intervalMs) : fastIntervalMs;
    }

    public ProbePolicy(Integer intervalMs, Integer timeoutMs, Boolean heartbeat) {
        this(intervalMs, timeoutMs, heartbeat, null, null, null, null);
    }
}
