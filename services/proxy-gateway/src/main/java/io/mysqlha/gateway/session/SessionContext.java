package io.mysqlha.gateway.session;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What every session of a gateway shares: the users, its connection ids and timeouts. (The server it greets clients
 * as is per cluster: {@link Route#flavour()}.)
 */
public record SessionContext(Supplier<AppUsers> users, AtomicLong ids,
                             int handshakeTimeoutMs, int connectTimeoutMs, int holdTimeoutMs,
                             RoutesChanged routesChanged, java.util.Map<Long, ClientSession> sessions,
                             int idleReleaseMs, java.util.concurrent.Executor tlsTasks,
                             BackendConnector connector, BackendPools pools) {

    /**
     * {@code tlsTasks}: where a client's TLS handshake computes (its key exchange and signature), or null for the
     * session's own event loop. Backend connections are TCP connections on the client's event loop.
     */
    public SessionContext(Supplier<AppUsers> users, AtomicLong ids, int handshakeTimeoutMs, int connectTimeoutMs,
                          int holdTimeoutMs, RoutesChanged routesChanged, java.util.Map<Long, ClientSession> sessions,
                          int idleReleaseMs, java.util.concurrent.Executor tlsTasks, BackendPools pools) {
        this(users, ids, handshakeTimeoutMs, connectTimeoutMs, holdTimeoutMs, routesChanged, sessions, idleReleaseMs,
                tlsTasks, BackendConnector.TCP, pools);
    }

    /**
     * What the gateway greets clients as: a backend's version string and, for MariaDB, the extended capabilities
     * (of those the gateway carries) it offered, and its default authentication plugin when the gateway speaks it.
     */
    public record Flavour(String serverVersion, boolean mariadb, int mariadbCapabilities, String authPlugin) {
        /** Before any node of the cluster greeted the gateway: the configured version, mysql_native_password. */
        public static Flavour configured(String serverVersion) {
            return new Flavour(serverVersion, false, 0, io.mysqlha.protocol.NativePassword.PLUGIN);
        }

        public static Flavour of(io.mysqlha.protocol.HandshakeV10Packet greeting) {
            boolean mariadb = !io.mysqlha.protocol.Capabilities.has(greeting.capabilities(),
                    io.mysqlha.protocol.Capabilities.LONG_PASSWORD);
            // the node's default plugin (caching_sha2_password on MySQL 8+), which clients then answer in first
            String plugin = io.mysqlha.protocol.CachingSha2Password.PLUGIN.equals(greeting.authPluginName())
                    ? greeting.authPluginName() : io.mysqlha.protocol.NativePassword.PLUGIN;
            return new Flavour(greeting.serverVersion(), mariadb, mariadb ? greeting.mariadbCapabilities()
                    & io.mysqlha.protocol.Capabilities.MARIADB_GATEWAY : 0, plugin);
        }

        /**
         * The greeting's capabilities: what the gateway carries and speaks itself; MariaDB's clear CLIENT_MYSQL, which
         * its clients read as "a MariaDB server", and have no zstd compression, as MariaDB servers.
         */
        public int capabilities() {
            int caps = io.mysqlha.protocol.Capabilities.GATEWAY | io.mysqlha.protocol.Capabilities.CLIENT_HOP;
            if (mariadb) {
                caps &= ~io.mysqlha.protocol.Capabilities.ZSTD_COMPRESSION;
            }
            return mariadb ? caps & ~io.mysqlha.protocol.Capabilities.LONG_PASSWORD : caps;
        }
    }

    /**
     * Gateway connection ids start high and at random, so a KILL by id is told apart from a backend's own thread
     * ids (small counters) and from another gateway instance's.
     */
    public static AtomicLong newIds() {
        return new AtomicLong(1_000_000_000L + java.util.concurrent.ThreadLocalRandom.current().nextLong(100_000_000L));
    }

    /** Where sessions waiting for a backend register to hear that the routes changed. */
    public interface RoutesChanged {
        /** Runs {@code action} once, on the next change of any route. */
        void once(Runnable action);
    }

    /** Where one listener sends its sessions, and what it counts. */
    public interface Route {
        /** The listener's role, for messages ("writer", "reader"). */
        String role();

        /** The cluster it serves, for messages. */
        String cluster();

        /**
         * What the gateway greets this cluster's clients as: the server one of its nodes last greeted the gateway
         * as, so clients see the server they really talk to (a gateway may serve MariaDB and MySQL clusters).
         */
        AtomicReference<Flavour> flavour();

        /** The node to connect a new backend connection to, or null when there is none now. */
        InetSocketAddress backend();

        /** Whether a session on this node may stay there (between statements it moves when not). */
        boolean stillServes(InetSocketAddress backend);

        /** How the read/write listener splits reads off to readers; null when it does not (read-only listeners). */
        io.mysqlha.gateway.split.SplitSettings split();

        /** With global causal reads: the writer's position, read once for the reads of every session that wait. */
        io.mysqlha.gateway.split.WriterPosition writerPosition();

        /** With splitting: a reader chosen by weight for a session's reads, or null when none reads now. */
        InetSocketAddress readerBackend();

        /** With splitting: whether the session's reader still reads. */
        boolean readerServes(InetSocketAddress reader);

        /** Changes whenever any route, hold or release changes: what was true of stillServes stays true until then. */
        long routesVersion();

        SessionMetrics sessionMetrics();

        int maxConnections();

        /** The TLS context new connections are offered, or null when the listener offers no TLS (now). */
        io.netty.handler.ssl.SslContext tls();

        /** Whether a login in clear is refused (MySQL's 3159). */
        boolean requireTls();

        /** The cluster's TLS towards its nodes, for the sessions' backend connections; null once its spec is gone. */
        NodeTls nodeTls();

        /**
         * The pool settings of the cluster's backend connections when its sessions share them (multiplexing), or null
         * when each session keeps its own.
         */
        default io.mysqlha.domain.RoutingPolicy.ConnectionPool pool() {
            return null;
        }

        /** The cluster's application users read from its servers; null when its spec does not load them. */
        default ServerUsers serverUsers() {
            return null;
        }
    }

    /** A cluster's application users as its servers define them (the spec's {@code credentials.users_loader}). */
    public interface ServerUsers extends AppUsers.Lookup {
        /**
         * Reads them again (soon: at most one read per minimum interval), for a login refused as unknown or with a
         * wrong password; completes with true when they changed (the login is then checked again).
         */
        java.util.concurrent.CompletableFuture<Boolean> refreshNow();
    }

    /** TLS from the gateway to a cluster's nodes (the cluster spec's {@code tls}). */
    public interface NodeTls {
        io.mysqlha.domain.TlsMode mode();

        /**
         * A client-side TLS handler for a connection to {@code host:port} that checks the node's certificate as the
         * mode says; null while the CA's secret gives no usable certificate ({@link #problem()} says why).
         */
        io.netty.handler.ssl.SslHandler handler(io.netty.buffer.ByteBufAllocator alloc, String host, int port);

        /** Why no handler can be made now, naming the secret; null when one can. */
        String problem();

        /**
         * Whether a session's connection to a node goes over TLS: never when disabled; under {@code preferred} when
         * the application came over TLS (MySQL Router's {@code AS_CLIENT}); always from {@code required} on.
         */
        default boolean wanted(boolean clientOverTls) {
            return switch (mode()) {
                case DISABLED -> false;
                case PREFERRED -> clientOverTls;
                default -> true;
            };
        }
    }
}
