package io.mysqlha.domain;

/**
 * How writers and readers are chosen, with ProxySQL's knobs and meanings.
 *
 * @param maxWriters            at most this many writers (Galera, multi-primary Group Replication)
 * @param writerIsAlsoReader    ProxySQL's {@code writer_is_also_reader}. 0: writers and backup writers never
 *                              read; 1: writers and backup writers also read; 2 (Galera, Group Replication):
 *                              backup writers read, writers do not. Async replication has no backup writers: there
 *                              2 means the writer reads only while no replica can.
 * @param maxTransactionsBehind a Galera node with a longer receive queue, or a Group Replication member
 *                              with a longer applier queue, leaves the readers
 * @param maxReplicationLagMs   a replica lagging more than this leaves the readers (0: no limit)
 * @param readWriteSplit        the read/write listener sends reads to readers (false: everything to the writer)
 */
public record RoutingPolicy(Integer maxWriters, Integer writerIsAlsoReader, Long maxTransactionsBehind,
                            Long maxReplicationLagMs, Boolean readWriteSplit) {

    public static final RoutingPolicy DEFAULTS = new RoutingPolicy(null, null, null, null, null);

    public RoutingPolicy {
        maxWriters = maxWriters == null ? 1 : maxWriters;
        writerIsAlsoReader = writerIsAlsoReader == null ? 1 : writerIsAlsoReader;
        maxTransactionsBehind = maxTransactionsBehind == null ? 100L : maxTransactionsBehind;
        maxReplicationLagMs = maxReplicationLagMs == null ? 10_000L : maxReplicationLagMs;
        readWriteSplit = readWriteSplit == null || readWriteSplit;
    }
}
