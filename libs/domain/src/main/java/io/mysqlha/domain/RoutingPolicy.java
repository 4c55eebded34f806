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
 * @param causalReads           with splitting, "global": a replica answers a read only once it applied everything
 *                              the writer had committed when the read arrived (MaxScale's "universal": no read is
 *                              older than any commit that returned before it, whichever connection made it);
 *                              "session": only once it applied the session's own last write (ProxySQL's and
 *                              MaxScale's "local"); "none": reads may be stale. Else the writer answers, after
 *                              {@code causalReadTimeoutMs}
 * @param causalReadTimeoutMs   how long a read waits for a replica to apply the session's last write before the
 *                              writer answers it instead (default 50)
 * @param sessionVariables      session variables carried to every backend a session uses, beyond the built-in list
 *                              (sql_mode, time_zone, names, transaction isolation...); a SET of any other pins the
 *                              session to the writer
 * @param queryRules            ordered routing rules for the read/write listener (ProxySQL's mysql_query_rules)
 * @param multiplexing          the gateway's sessions share backend connections (ProxySQL's multiplexing, on by
 *                              default): a connection goes back to the pool between statements that leave nothing
 *                              on it (no transaction, nothing pinned) and serves another session of the same user
 * @param pool                  the gateway's backend connection pools towards each node (with multiplexing)
 */
public record RoutingPolicy(Integer maxWriters, Integer writerIsAlsoReader, Long maxTransactionsBehind,
                            Long maxReplicationLagMs, Boolean readWriteSplit, CausalReads causalReads,
                            Long causalReadTimeoutMs, java.util.List<String> sessionVariables,
                            java.util.List<QueryRule> queryRules, Boolean multiplexing, ConnectionPool pool) {

    public static final RoutingPolicy DEFAULTS = new RoutingPolicy(null, null, null, null, null);

    public RoutingPolicy(Integer maxWriters, Integer writerIsAlsoReader, Long maxTransactionsBehind,
                         Long maxReplicationLagMs, Boolean readWriteSplit, CausalReads causalReads,
                         Long causalReadTimeoutMs, java.util.List<String> sessionVariables,
                         java.util.List<QueryRule> queryRules) {
        this(maxWriters, writerIsAlsoReader, maxTransactionsBehind, maxReplicationLagMs, readWriteSplit, causalReads,
                causalReadTimeoutMs, sessionVariables, queryRules, null, null);
    }

    /**
     * One gateway's backend connections towards each node of the cluster, with ProxySQL's knobs and defaults.
     *
     * @param maxConnections     at most this many connections from one gateway to one node, never exceeded (ProxySQL's
     *                           {@code max_connections}, 1000): a statement that finds none free waits in a queue
     * @param queueTimeoutMs     how long a statement waits for a free connection before the client gets error 9001
     *                           (ProxySQL's {@code connect_timeout_server_max}, 10000)
     * @param maxQueue           at most this many statements wait per node; one more gets 9001 at once (1000)
     * @param connectionMaxAgeMs a free connection older than this is closed (0: never; ProxySQL's
     *                           {@code connection_max_age_ms})
     * @param freeConnectionsPct free connections beyond this share of {@code maxConnections} are closed once idle
     *                           for a while (ProxySQL's {@code free_connections_pct}, 10)
     * @param maxStmtsPerConnection at most this many prepared statements stay prepared on one pooled connection for
     *                           the sessions that borrow it; the one used longest ago is closed to make room
     *                           (ProxySQL's {@code max_stmts_per_connection}, 20)
     * @param pingIntervalMs     a free connection nobody used for this long gets a COM_PING, so that one the node or
     *                           the network dropped is found before a session takes it and one the node would close
     *                           for its {@code wait_timeout} stays (0: never; ProxySQL's
     *                           {@code ping_interval_server_msec}, 10000)
     * @param connectionWarming  open new connections instead of reusing free ones until the node has
     *                           {@code freeConnectionsPct} of {@code maxConnections} open (ProxySQL's
     *                           {@code connection_warming}, false)
     */
    public record ConnectionPool(Integer maxConnections, Long queueTimeoutMs, Integer maxQueue,
                                 Long connectionMaxAgeMs, Integer freeConnectionsPct, Integer maxStmtsPerConnection,
                                 Long pingIntervalMs, Boolean connectionWarming) {
        public static final ConnectionPool DEFAULTS = new ConnectionPool(null, null, null, null, null, null, null,
                null);

        public ConnectionPool {
            maxConnections = maxConnections == null ? 1000 : maxConnections;
            queueTimeoutMs = queueTimeoutMs == null ? 10_000L : queueTimeoutMs;
            maxQueue = maxQueue == null ? 1000 : maxQueue;
            connectionMaxAgeMs = connectionMaxAgeMs == null ? 0L : connectionMaxAgeMs;
            freeConnectionsPct = freeConnectionsPct == null ? 10 : freeConnectionsPct;
            maxStmtsPerConnection = maxStmtsPerConnection == null ? 20 : maxStmtsPerConnection;
            pingIntervalMs = pingIntervalMs == null ? 10_000L : pingIntervalMs;
            connectionWarming = connectionWarming != null && connectionWarming;
        }

        public ConnectionPool(Integer maxConnections, Long queueTimeoutMs, Integer maxQueue, Long connectionMaxAgeMs,
                              Integer freeConnectionsPct) {
            this(maxConnections, queueTimeoutMs, maxQueue, connectionMaxAgeMs, freeConnectionsPct, null, null, null);
        }
    }

    /** What a read through the splitting listener is guaranteed to see. */
    public enum CausalReads { GLOBAL, SESSION, NONE }

    public RoutingPolicy(Integer maxWriters, Integer writerIsAlsoReader, Long maxTransactionsBehind,
                         Long maxReplicationLagMs, Boolean readWriteSplit) {
        this(maxWriters, writerIsAlsoReader, maxTransactionsBehind, maxReplicationLagMs, readWriteSplit, null, null,
                null, null, null, null);
    }

    public RoutingPolicy {
        maxWriters = maxWriters == null ? 1 : maxWriters;
        writerIsAlsoReader = writerIsAlsoReader == null ? 1 : writerIsAlsoReader;
        maxTransactionsBehind = maxTransactionsBehind == null ? 100L : maxTransactionsBehind;
        maxReplicationLagMs = maxReplicationLagMs == null ? 10_000L : maxReplicationLagMs;
        readWriteSplit = readWriteSplit == null || readWriteSplit;
        causalReads = causalReads == null ? CausalReads.SESSION : causalReads;
        causalReadTimeoutMs = causalReadTimeoutMs == null ? 50L : causalReadTimeoutMs;
        sessionVariables = sessionVariables == null ? java.util.List.of()
                : sessionVariables.stream().map(v -> v == null ? null : v.toLowerCase(java.util.Locale.ROOT)).toList();
        // a null rule is kept: the validator names it
        queryRules = queryRules == null ? java.util.List.of()
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(queryRules));
        multiplexing = multiplexing == null || multiplexing;
        pool = pool == null ? ConnectionPool.DEFAULTS : pool;
    }
}
