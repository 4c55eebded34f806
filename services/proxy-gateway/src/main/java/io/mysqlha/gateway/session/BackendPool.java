package io.mysqlha.gateway.session;

import io.mysqlha.domain.RoutingPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.ErrPacket;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The backend connections of one event loop that its sessions share (multiplexing): a session gives its connection
 * back between statements that leave nothing on it and takes one again for its next statement, preferably the same
 * one (then nothing needs restoring), else a free one opened with the same user, capabilities and character set and
 * given the same schema and session state, else a new one while the node's share of {@code max_connections} allows,
 * else it waits in line. Event-loop confined: the sessions of a loop share its pool without locks, and a node's
 * {@code max_connections} is shared out among the loops (see {@link BackendPools}).
 */
final class BackendPool {
    private static final long TRIM_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Capabilities that change only how a login is made or how one hop is carried, not how the session behaves. */
    private static final int LOGIN_ONLY = Capabilities.CONNECT_WITH_DB | Capabilities.CONNECT_ATTRS
            | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.SECURE_CONNECTION
            | Capabilities.SSL | Capabilities.CAN_HANDLE_EXPIRED_PASSWORDS | Capabilities.FRAMING;

    private final EventLoop loop;
    private final int index;
    private final int loops;
    /** By cluster, then by node address (concurrent maps: the admin API and the meters read them off the loop). */
    private final Map<String, Map<String, Node>> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    /** Told of each cluster and node the first time this pool serves it. */
    private final java.util.function.BiConsumer<String, String> seen;

    /** What idle times are measured with (nanoseconds). */
    private final java.util.function.LongSupplier clock;

    BackendPool(EventLoop loop, int index, int loops, java.util.function.LongSupplier clock,
                java.util.function.BiConsumer<String, String> seen) {
        this.loop = loop;
        this.seen = seen;
        this.clock = clock;
        this.index = index;
        this.loops = loops;
        loop.scheduleWithFixedDelay(this::trim, 1, 1, TimeUnit.SECONDS);
    }

    /** One node's connections on this loop, with what they did. */
    static final class Node {
        final String cluster;
        final String address;
        RoutingPolicy.ConnectionPool settings = RoutingPolicy.ConnectionPool.DEFAULTS;
        int share;
        /** Counted connections: connecting, in use or free. */
        int open;
        int free;
        /** The free connections, the one given back last first. */
        BackendSession head;
        BackendSession tail;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        long created;
        long borrowed;
        long reclaimed;
        long restored;
        long queued;
        long queueTimeouts;
        long queueFull;
        long waitedNanos;
        long maxOpen;
        /** Free connections closed: to make room for another kind, past their age, idle beyond the free share. */
        long evicted;
        long aged;
        long trimmed;
        /** Connections that closed while in use (the node or the session ended them). */
        long closedInUse;
        /** COM_PINGs sent to free connections idle for ping_interval_ms, and those the node did not answer. */
        long pings;
        long pingFailures;

        Node(String cluster, String address) {
            this.cluster = cluster;
            this.address = address;
        }
    }

    /** A session waiting for a connection to the node: run when one may be had (once, unless cancelled). */
    static final class Waiter {
        private final Runnable wake;
        private final long since = System.nanoTime();
        boolean cancelled;

        Waiter(Runnable wake) {
            this.wake = wake;
        }
    }

    /**
     * A cluster's connections to the node, under its current settings (clusters over the same node have a limit of
     * their own each).
     */
    Node node(String cluster, String address, RoutingPolicy.ConnectionPool settings) {
        Map<String, Node> ofCluster = nodes.computeIfAbsent(cluster,
                c -> new java.util.concurrent.ConcurrentHashMap<>());
        Node n = ofCluster.get(address);
        if (n == null) { // only this loop adds to its maps
            n = new Node(cluster, address);
            ofCluster.put(address, n);
            seen.accept(cluster, address);
        }
        if (n.settings != settings) {
            n.settings = settings;
            int max = settings.maxConnections();
            n.share = Math.max(1, max / loops + (index < max % loops ? 1 : 0));
        }
        return n;
    }

    /**
     * The session's own connection back, when nobody took it since it was lent {@code lends} times (then it is as the
     * session left it).
     */
    boolean reclaim(BackendSession b, int lends) {
        if (!b.free || b.lends != lends || !b.poolNode.waiting.isEmpty()) {
            return false; // taken, or used by another session since; or others wait, first come first served
        }
        unlink(b.poolNode, b);
        b.poolNode.reclaimed++;
        reading(b);
        return true;
    }

    /**
     * A connection lent is read from: its answers must come (a free one reads only to notice its node closing it, and
     * not after a ping was answered).
     */
    private static void reading(BackendSession b) {
        if (b.channel() != null) {
            b.channel().read();
        }
    }

    /**
     * A free connection of the same user and character set ({@code user} null: any, for a login, which logs in on it
     * again: {@link #login}) and opening as the arguments ask, in the schema and with the state given (returned as it
     * is), else one in no particular state, else one in another session's state (the caller brings it there:
     * {@link #restore}), else null.
     */
    BackendSession take(Node n, String user, int capabilities, int mariadb, int charset, boolean tracksGtids,
                        String schema, List<String> state) {
        BackendSession sameState = null; // only its schema to change
        BackendSession plain = null; // the session's statements to run
        BackendSession other = null; // another session's state: a reset first
        for (BackendSession b = n.head; b != null; b = b.freeNext) {
            boolean login = user == null; // COM_CHANGE_USER gives it the login's user and character set
            if (!login && (!b.user().equals(user) || b.characterSet() != charset)
                    || ((b.capabilities() ^ capabilities) & ~LOGIN_ONLY) != 0 || b.mariadbCapabilities() != mariadb
                    || b.trackGtidsAsked() != tracksGtids) {
                continue;
            }
            boolean sameSchema = b.schema().equals(schema);
            if (sameSchema && b.state().equals(state)) {
                unlink(n, b);
                n.borrowed++;
                b.lends++;
                reading(b);
                return b;
            }
            if (!sameSchema && schema.isEmpty()) {
                continue; // a connection cannot leave its schema for none
            }
            if (b.state().equals(state)) {
                sameState = sameState == null ? b : sameState;
            } else if (b.state().isEmpty()) {
                plain = plain == null ? b : plain;
            } else {
                other = other == null ? b : other;
            }
        }
        BackendSession chosen = sameState != null ? sameState : plain != null ? plain : other;
        if (chosen != null) {
            unlink(n, chosen);
            chosen.lends++;
            n.borrowed++;
            n.restored++;
            reading(chosen);
        }
        return chosen;
    }

    /**
     * What brings a free connection to a session's schema and state (see {@link #take}): the schema and the session's
     * statements; when the connection carries another session's state, COM_RESET_CONNECTION first (the node's
     * defaults again, and every statement prepared on it closed), then the login's character set and the gateway's
     * own GTID tracking again, as on a new connection.
     */
    static List<String> restore(BackendSession b, String schema, List<String> state) {
        List<String> statements = new java.util.ArrayList<>();
        boolean reset = !b.state().isEmpty() && !b.state().equals(state);
        if (reset) {
            statements.add(BackendSession.RESET);
            statements.add(BackendSession.characterSetOf(b.characterSet()));
            trackGtids(b, statements);
        }
        if (!b.schema().equals(schema)) {
            statements.add("USE `" + schema.replace("`", "``") + "`"); // a reset keeps the schema
        }
        if (reset || !b.state().equals(state)) {
            statements.addAll(state);
        }
        return statements;
    }

    /**
     * What lends a free connection to a session that just logged in (see {@link BackendSession#logInAs}):
     * COM_CHANGE_USER, so that the node checks the account as it would a new connection's login (and the session
     * starts from the node's defaults, in its login's schema and character set), then the gateway's GTID tracking.
     */
    static List<String> login(BackendSession b) {
        List<String> statements = new java.util.ArrayList<>(List.of(BackendSession.CHANGE_USER));
        trackGtids(b, statements);
        return statements;
    }

    /** The gateway's GTID tracking, as a new connection gets it, after the node forgot the session's variables. */
    private static void trackGtids(BackendSession b, List<String> statements) {
        if (b.tracksGtids()) {
            statements.add(b.isMariaDb() ? BackendSession.TRACK_LAST_GTID : BackendSession.TRACK_OWN_GTID);
        }
    }

    /** Whether the node's share of connections allows one more. */
    boolean mayOpen(Node n) {
        return n.open < n.share;
    }

    /**
     * Closes the free connection given back longest ago, to open another in its place once the node closed it (the
     * waiters are woken then); false when none is free.
     */
    boolean evict(Node n) {
        BackendSession b = n.tail;
        if (b == null) {
            return false;
        }
        n.evicted++;
        retire(n, b); // counted down when the node closed it
        return true;
    }

    /** A new connection to the node counts against its share until it closes. */
    void counted(Node n, BackendSession b) {
        n.open++;
        n.created++;
        n.maxOpen = Math.max(n.maxOpen, n.open);
        b.poolNode = n;
        b.stmtCache = new StatementCache(n.settings.maxStmtsPerConnection());
        b.whenClosed(() -> closed(n, b));
    }

    /**
     * A session gives its ready, idle connection back: free for any session of this loop (the one given back last
     * is taken first), read from so that a node closing it is noticed.
     */
    void giveBack(BackendSession b) {
        Node n = b.poolNode;
        b.closeRetired(); // it is idle: what its statement cache let go is closed on the node before another uses it
        b.listener(free);
        b.freeSince = clock.getAsLong();
        link(n, b, true);
        if (b.channel() != null) {
            b.channel().read();
        }
        wakeOne(n);
    }

    /**
     * Waits for a connection to the node (run {@code wake} when one may be had: given back or closed), at the end of
     * the line or, for a session that just closed a free connection for itself, at its head; null when the line is
     * full ({@code max_queue}).
     */
    Waiter await(Node n, Runnable wake, boolean first) {
        if (n.waiting.size() >= n.settings.maxQueue()) {
            n.queueFull++;
            return null;
        }
        Waiter w = new Waiter(wake);
        if (first) {
            n.waiting.addFirst(w); // it made room for itself: the room is its own
        } else {
            n.waiting.addLast(w);
        }
        n.queued++;
        return w;
    }

    /** The waiter gave up (its queue timeout): counted, and never woken. */
    void timedOut(Node n, Waiter w) {
        w.cancelled = true;
        n.queueTimeouts++;
        n.waiting.remove(w);
    }

    /** The waiter went away (its client closed): never woken. */
    void cancel(Waiter w) {
        w.cancelled = true;
        allNodes().forEach(n -> n.waiting.remove(w));
    }

    private void wakeOne(Node n) {
        for (Waiter w; (w = n.waiting.pollFirst()) != null; ) {
            if (!w.cancelled) {
                w.cancelled = true;
                n.waitedNanos += System.nanoTime() - w.since;
                loop.execute(w.wake);
                return;
            }
        }
    }

    private void closed(Node n, BackendSession b) {
        if (b.free) {
            unlink(n, b);
        } else if (b.pinging) {
            n.pingFailures++; // the node went while the ping was out
        } else if (!b.retiredByPool) {
            n.closedInUse++;
        }
        n.open--;
        wakeOne(n);
    }

    /** The pool closes a free connection of its own accord. */
    private static void retire(Node n, BackendSession b) {
        unlink(n, b);
        b.retiredByPool = true;
        b.close();
    }

    /** The connection is free: first in line ({@code first}: the one given back last) or last. */
    private static void link(Node n, BackendSession b, boolean first) {
        b.free = true;
        b.freePrev = first ? null : n.tail;
        b.freeNext = first ? n.head : null;
        if (first && n.head != null) {
            n.head.freePrev = b;
        } else if (!first && n.tail != null) {
            n.tail.freeNext = b;
        }
        if (first || n.head == null) {
            n.head = b;
        }
        if (!first || n.tail == null) {
            n.tail = b;
        }
        n.free++;
    }

    private static void unlink(Node n, BackendSession b) {
        if (b.freePrev != null) {
            b.freePrev.freeNext = b.freeNext;
        } else {
            n.head = b.freeNext;
        }
        if (b.freeNext != null) {
            b.freeNext.freePrev = b.freePrev;
        } else {
            n.tail = b.freePrev;
        }
        b.freePrev = null;
        b.freeNext = null;
        b.free = false;
        n.free--;
    }

    /**
     * Once a second: free connections past {@code connection_max_age_ms} are closed, and so are those beyond
     * {@code free_connections_pct} of the node's share that nobody took for a while (the one given back longest ago
     * first); one that nobody used for {@code ping_interval_ms} is pinged.
     */
    private void trim() {
        long now = clock.getAsLong();
        for (Node n : allNodes()) {
            long maxAge = TimeUnit.MILLISECONDS.toNanos(n.settings.connectionMaxAgeMs());
            long pingAfter = TimeUnit.MILLISECONDS.toNanos(n.settings.pingIntervalMs());
            for (BackendSession b = n.head; b != null; ) {
                BackendSession next = b.freeNext;
                if (maxAge > 0 && now - b.openedAt > maxAge) {
                    n.aged++;
                    retire(n, b);
                } else if (pingAfter > 0 && now - Math.max(b.freeSince, b.pingedAt) > pingAfter) {
                    ping(n, b);
                }
                b = next;
            }
            while (n.free > keep(n) && n.tail != null && now - n.tail.freeSince > TRIM_AFTER_NANOS) {
                BackendSession b = n.tail;
                n.trimmed++;
                retire(n, b);
            }
        }
    }

    /** How many connections {@code free_connections_pct} keeps open for the node (of this loop's share). */
    private static int keep(Node n) {
        return (int) Math.ceil(n.share * n.settings.freeConnectionsPct() / 100.0);
    }

    /**
     * A free connection idle for {@code ping_interval_ms} gets a COM_PING (ProxySQL's way): one the node or the
     * network dropped is closed before a session takes it, and one the node would end for its {@code wait_timeout}
     * stays. It is not free while the ping is out; answered, it is free again where it was in line (its idle time
     * for trimming unchanged).
     */
    private void ping(Node n, BackendSession b) {
        unlink(n, b);
        b.pinging = true;
        n.pings++;
        b.internal(PING, a -> {
            b.pinging = false;
            b.pingedAt = clock.getAsLong();
            if (!a.ok()) {
                n.pingFailures++;
                b.retiredByPool = true;
                b.close();
                return;
            }
            link(n, b, false);
            reading(b); // a node that closes it while free is noticed
            wakeOne(n);
        });
    }

    private static final List<String> PING = List.of(BackendSession.PING);

    /**
     * {@code connection_warming}: the node has fewer connections open than {@code free_connections_pct} keeps, so a
     * new one is opened rather than a free one reused (the pool fills to its warm size under the first load).
     */
    boolean warming(Node n) {
        return n.settings.connectionWarming() && n.open < keep(n) && mayOpen(n);
    }

    /** What a free connection reports to: a failure closes it (counted down); nothing else is expected of it. */
    private final BackendListener free = new BackendListener() {
        @Override
        public void ready(BackendSession b, int statusFlags) {
            b.close();
        }

        @Override
        public void refused(BackendSession b, ErrPacket err) {
            b.close();
        }

        @Override
        public void failed(BackendSession b, String why) {
            // closed: its close hook counted it down
        }

        @Override
        public void frame(BackendSession b, ByteBuf frame) {
            frame.release();
            b.close(); // a free connection was asked nothing: whatever it says, it is not to be trusted
        }
    };

    private List<Node> allNodes() {
        return nodes.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    /** A snapshot of one node's figures, for the admin API and the meters (read off the loop: approximate). */
    record NodeView(String cluster, String node, int open, int free, int waiting, int share, long created, long borrowed,
                    long reclaimed, long restored, long queued, long queueTimeouts, long queueFull,
                    long waitedMicros, long maxOpen, long evicted, long aged, long trimmed, long closedInUse,
                    long pings, long pingFailures) {
        /** Its figures in the order BackendPools names them. */
        long[] figures() {
            return new long[] {open, free, waiting, share, created, borrowed, reclaimed, restored, queued, queueTimeouts,
                    queueFull, waitedMicros, maxOpen, evicted, aged, trimmed, closedInUse, pings, pingFailures};
        }
    }

    List<NodeView> view() {
        return allNodes().stream().map(BackendPool::view).toList();
    }

    /** One node's figures, or null when this pool never served it. */
    NodeView view(String cluster, String address) {
        Map<String, Node> ofCluster = nodes.get(cluster);
        Node n = ofCluster == null ? null : ofCluster.get(address);
        return n == null ? null : view(n);
    }

    private static NodeView view(Node n) {
        return new NodeView(n.cluster, n.address, n.open, n.free, n.waiting.size(), n.share, n.created, n.borrowed,
                n.reclaimed, n.restored, n.queued, n.queueTimeouts, n.queueFull, n.waitedNanos / 1000, n.maxOpen,
                n.evicted, n.aged, n.trimmed, n.closedInUse, n.pings, n.pingFailures);
    }
}
