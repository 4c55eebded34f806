package io.mysqlha.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.util.List;
import java.util.Optional;

/**
 * The gateway's own settings. Its listeners come from the cluster specs (each spec's {@code listeners}), its
 * backends from the topology topic.
 */
@ConfigMapping(prefix = "mysqlha.gateway")
public interface GatewayConfig {
    /** The clusters whose listeners this gateway opens; all of them when unset. */
    Optional<List<String>> clusters();

    /** The secret holding the application users (one user:password or user:*HASH per line). */
    @WithDefault("mysqlha-app-users")
    String usersSecret();

    /**
     * The TLS engine of the listeners' TLS: {@code jdk} (the JDK's own) or {@code openssl} (BoringSSL through
     * netty-tcnative, bundled; falls back to the JDK's, saying so, where it does not load).
     */
    @WithDefault("jdk")
    @jakarta.validation.constraints.Pattern(regexp = "jdk|openssl", message = "jdk or openssl")
    String tlsProvider();

    /**
     * Threads of their own for the computations of clients' TLS handshakes (key exchange, signature), so a storm of
     * new TLS connections does not hold up the statements of the sessions on the same event loop; 0: on the event
     * loop itself. Measured (bench/gateway.sh STORM=4): with 4 clients reconnecting over TLS beside sysbench, one
     * thread of its own took point_select from 2,305 to 4,092 QPS (p95 7.04 to 4.25 ms), the storm from 174 to 151
     * logins/s: statements first.
     */
    @WithDefault("1")
    @jakarta.validation.constraints.Min(0)
    int tlsHandshakeThreads();

    /**
     * How often the application users of a cluster whose spec names {@code credentials.users_loader} are read again
     * from its writer (besides at once, when a client logs in as an unknown user or with a wrong password).
     */
    @WithDefault("30")
    @jakarta.validation.constraints.Min(1)
    int usersRefreshSeconds();

    /** The least time between two reads of a cluster's users: a flood of bad logins costs its writer this little. */
    @WithDefault("1000")
    @jakarta.validation.constraints.Min(100)
    int usersRefreshMinIntervalMs();

    /**
     * The version the gateway greets clients with until a backend greeted it (then the backend's own, so drivers
     * see the server they really use).
     */
    @WithDefault("5.5.5-10.11.0-MariaDB-mysqlha")
    String serverVersion();

    /** A client that has not authenticated within this gets MySQL's "Bad handshake" and is disconnected. */
    @WithDefault("10000")
    @Min(100) @Max(600_000)
    int handshakeTimeoutMs();

    /**
     * How long a statement waits for a backend when its cluster has none for it (no writer during a failover)
     * before the client gets an error naming the cluster.
     */
    @WithDefault("10000")
    @Min(0) @Max(600_000)
    int holdTimeoutMs();

    @WithDefault("2000")
    @Min(50) @Max(60_000)
    int backendConnectTimeoutMs();

    /**
     * A session idle this long (no statement, no open transaction, nothing pinned to its connection) gives its
     * backend connections back; its next statement opens a new one, with the session's state. 0: never.
     */
    @WithDefault("10000")
    @Min(0) @Max(86_400_000)
    int idleBackendReleaseMs();

    /**
     * Global causal reads: how many reads of a cluster writer's position may be under way at once, each shared by
     * the reads that arrived before it was sent. 1 asks the writer least; more lets a read wait less for a round to
     * start.
     */
    @WithDefault("2")
    @Min(1) @Max(64)
    int causalPositionReads();

    /** Netty event loop threads; 0 means one per core. */
    @WithDefault("0")
    @Min(0) @Max(256)
    int eventLoopThreads();
}
