package io.mysqlha.gateway.session;

import io.mysqlha.protocol.ResponseTracker;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A session's writer or reader connection under multiplexing (see {@link BackendPool}): given back to its event
 * loop's pool between statements that leave nothing on it, taken back (or another alike) for the next, waited for in
 * line at the node's limit, and kept while the next statement may need that very connection. One per session and
 * role, on its loop.
 */
final class SharedConnection {
    /** ProxySQL's mysql-auto_increment_delay_multiplex: statements kept on the connection after a last insert id. */
    static final int INSERT_ID_DELAY = 5;

    /** What the session does with what the pool gives it. */
    interface Session {
        /** A pooled connection is the session's connection of this role from now on (not ready yet when restored). */
        void attach(BackendSession b);

        /** The attached connection is ready for the session's statements. */
        void ready(BackendSession b);

        /** Try again to get a connection (woken in line). */
        void acquire();

        /** The attached connection could not be brought to the session's state: it goes, and another is opened. */
        void restoreFailed(BackendSession b, String why);

        /** No connection could be had: what waits for one gets 9001 with this detail. */
        void noConnection(String detail);
    }

    private final BackendPool pool;
    private final EventLoop loop;
    private final Session session;
    /**
     * The connection the session gave back, and the routes' version at which it was last found to serve (it takes it
     * back while they stand).
     */
    private BackendSession givenBack;
    private long givenBackRoutes;
    private int givenBackLends;
    /**
     * The next statements that keep the connection (after a last insert id; one after warnings or an error, for
     * SHOW WARNINGS).
     */
    private int stayFor;
    /** The statement sent asks about the one before it (SHOW WARNINGS...): see {@link #aboutPrevious}. */
    private boolean aboutPrevious;
    /** The last answer was to a COM_STMT_PREPARE (see {@link #prepared}). */
    private boolean justPrepared;
    /** The session asked CONNECTION_ID(): it keeps the connection that answered, so the id stays true. */
    private boolean connectionIdAsked;
    /** A free connection could not be brought to the session's state: the next acquire opens a new one. */
    private boolean skipPool;
    private BackendPool.Waiter waiter;
    private ScheduledFuture<?> queueTimer;

    SharedConnection(BackendPool pool, EventLoop loop, Session session) {
        this.pool = pool;
        this.loop = loop;
        this.session = session;
    }

    BackendPool.Node node(String cluster, String address, io.mysqlha.domain.RoutingPolicy.ConnectionPool settings) {
        return pool.node(cluster, address, settings);
    }

    /**
     * A connection from the pool becomes the session's: the one it gave back if nobody took it, else a free one
     * opened alike (capabilities, GTID tracking; user and character set too unless {@code login}), brought to the
     * session's schema and state first when it is not in them. A session that just logged in ({@code login} not
     * null) gets it logged in again as its user ({@link BackendPool#login}): the node has the last word on the
     * account. False when the pool has none for it.
     */
    boolean fromPool(BackendPool.Node node, Like like, String schema, List<String> state, Login login) {
        BackendSession b = givenBack != null && givenBack.poolNode == node && pool.reclaim(givenBack, givenBackLends)
                ? givenBack
                : skipPool || pool.warming(node) ? null : pool.take(node, login != null ? null : like.user(),
                        like.capabilities(), like.mariadbCapabilities(), like.characterSet(), like.tracksGtids(),
                        schema, state);
        givenBack = null;
        skipPool = false;
        if (b == null) {
            return false;
        }
        session.attach(b);
        List<String> restore;
        if (login != null) {
            b.logInAs(login.handshake().withDatabase(schema), login.stage1(), login.user());
            restore = BackendPool.login(b);
        } else {
            restore = BackendPool.restore(b, schema, state);
        }
        if (restore.isEmpty()) {
            session.ready(b);
            return true;
        }
        b.internal(restore, a -> {
            if (a.ok()) {
                b.schema(schema);
                b.state(state);
                session.ready(b);
            } else {
                skipPool = true;
                session.restoreFailed(b, a.error());
            }
        });
        return true;
    }

    /** The client's login, proved to the gateway, for the node to check on a pooled connection (COM_CHANGE_USER). */
    record Login(io.mysqlha.protocol.HandshakeResponse41Packet handshake, byte[] stage1, AppUsers.User user) {
        @Override
        public String toString() {
            return "Login[" + handshake + "]"; // never the password's hash
        }
    }

    /** What a pooled connection must have been opened with to serve the session. */
    record Like(String user, int capabilities, int mariadbCapabilities, int characterSet, boolean tracksGtids) {
    }

    /** Whether the node's limit allows one more connection now. */
    boolean mayOpen(BackendPool.Node node) {
        return pool.mayOpen(node);
    }

    /** A new connection opened for the session counts against the node's limit. */
    void counted(BackendPool.Node node, BackendSession b) {
        pool.counted(node, b);
    }

    /**
     * Waits in the node's line (every connection of this loop's share is in use): woken when one is given back or
     * closed (a free one that cannot serve the session is closed for it, and it is next); after the spec's queue
     * timeout, or at once when the line is full, the session hears there is none.
     */
    void queue(BackendPool.Node node) {
        if (waiter != null) {
            return;
        }
        // a free connection that cannot serve the session (another user or state) makes room: the session is next
        boolean madeRoom = pool.evict(node);
        waiter = pool.await(node, () -> {
            waiter = null;
            cancelTimer();
            session.acquire();
        }, madeRoom);
        if (waiter == null) {
            session.noConnection(node.address + ": " + node.settings.maxQueue() + " statements already wait for one of"
                    + " its " + node.open + " connections on this event loop (routing.pool.max_queue "
                    + node.settings.maxQueue() + ")");
            return;
        }
        queueTimer = loop.schedule(() -> {
            queueTimer = null;
            if (waiter != null) {
                pool.timedOut(node, waiter);
                waiter = null;
                session.noConnection(node.address + " within routing.pool.queue_timeout_ms ("
                        + node.settings.queueTimeoutMs() + " ms): its " + node.open + " connections on this event loop"
                        + " are all in use (routing.pool.max_connections " + node.settings.maxConnections() + ")");
            }
        }, node.settings.queueTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (queueTimer != null) {
            queueTimer.cancel(false);
            queueTimer = null;
        }
    }

    /** The connection finished answering: what its answers left decides how long the connection stays. */
    void answered(int aftermath) {
        boolean previous = aboutPrevious;
        aboutPrevious = false;
        if ((aftermath & ResponseTracker.INSERT_ID) != 0) {
            stayFor = INSERT_ID_DELAY;
        } else if ((aftermath & ResponseTracker.WARNINGS) != 0) {
            stayFor = Math.max(stayFor, 1);
        } else if (stayFor > 0 && !previous) {
            stayFor--;
        }
        if (justPrepared) {
            justPrepared = false;
            stayFor = Math.max(stayFor, 1);
        }
    }

    /**
     * The writer answers a COM_STMT_PREPARE: the connection stays for the next statement, which is most often its
     * execute (MariaDB's pipelined "the statement just prepared" must go there; any other finds it prepared there).
     */
    void prepared() {
        justPrepared = true;
    }

    /**
     * The statement sent asks about the one before it (SHOW WARNINGS, SHOW COUNT(*) WARNINGS, @@warning_count, GET
     * DIAGNOSTICS): it leaves the diagnostics as they were, so it does not count as one of the statements the
     * connection stays for (a second SHOW WARNINGS is answered where the first was).
     */
    void aboutPrevious() {
        aboutPrevious = true;
    }

    /** A CONNECTION_ID() was answered on the connection: it stays the session's. */
    void connectionIdAsked() {
        connectionIdAsked = true;
    }

    /** Whether the connection may go, as far as its last answers and CONNECTION_ID() go. */
    boolean free(BackendSession b) {
        return b.poolNode != null && stayFor == 0 && !connectionIdAsked;
    }

    /** Why the connection stays for now, as far as this knows (null: it does not). */
    String keptBecause() {
        if (connectionIdAsked) {
            return "CONNECTION_ID()";
        }
        if (justPrepared) {
            return "a statement just prepared";
        }
        return stayFor > 0 ? "last insert id, warnings or a prepare in its last statements" : null;
    }

    /** The session gives the connection back; it takes it (or another) again at its next statement. */
    void giveBack(BackendSession b, long routesVersion) {
        givenBack = b;
        givenBackRoutes = routesVersion;
        givenBackLends = b.lends;
        pool.giveBack(b);
    }

    /** Whether the session gave a connection back that it may take back before its next statement. */
    boolean gaveBack() {
        return givenBack != null;
    }

    /** The session's own connection back, when the routes stand and nobody took it meanwhile; else null. */
    BackendSession takeBack(long routesVersion) {
        BackendSession b = givenBack;
        givenBack = null;
        return givenBackRoutes == routesVersion && pool.reclaim(b, givenBackLends) ? b : null;
    }

    /**
     * The session's next statement went to its other connection: what the last answers here left (warnings for a
     * SHOW WARNINGS) is no longer asked for.
     */
    void movedOn() {
        stayFor = 0;
        justPrepared = false;
        aboutPrevious = false;
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER: the session starts afresh. */
    void reset(boolean otherUser) {
        stayFor = 0;
        aboutPrevious = false;
        justPrepared = false;
        connectionIdAsked = false;
        if (otherUser) {
            givenBack = null; // another user's from now on
        }
    }

    /** The session ended: it waits for nothing any more. */
    void close() {
        if (waiter != null) {
            pool.cancel(waiter);
            waiter = null;
        }
        cancelTimer();
    }
}
