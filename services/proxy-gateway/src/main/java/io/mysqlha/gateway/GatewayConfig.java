package io.mysqlha.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import java.util.Optional;

/**
 * The gateway's listeners, its users, and, until it follows the topology topic, the fixed backends it sends to.
 */
@ConfigMapping(prefix = "mysqlha.gateway")
public interface GatewayConfig {
    String HOST_PORT = "[^:\\s]+:\\d{1,5}";
    String HOST_PORT_MESSAGE = "host:port, e.g. 127.0.0.1:3307";

    @WithDefault("127.0.0.1")
    String bind();

    @WithDefault("6033")
    @Min(1) @Max(65535)
    int readWritePort();

    @WithDefault("6034")
    @Min(1) @Max(65535)
    int readOnlyPort();

    /** Where the read/write listener sends clients. */
    @WithDefault("127.0.0.1:3307")
    @Pattern(regexp = HOST_PORT, message = HOST_PORT_MESSAGE)
    String staticWriter();

    /** Where the read-only listener sends clients; the writer when unset. */
    Optional<@Pattern(regexp = HOST_PORT, message = HOST_PORT_MESSAGE) String> staticReader();

    /** Client connections per listener; past it a client gets MySQL's error 1040. */
    @WithDefault("2048")
    @Min(1) @Max(1_000_000)
    int maxConnections();

    @WithDefault("2000")
    @Min(50) @Max(60_000)
    int backendConnectTimeoutMs();

    /** The secret holding the application users (one user:password or user:*HASH per line). */
    @WithDefault("mysqlha-app-users")
    String usersSecret();

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

    /** Netty event loop threads; 0 means one per core. */
    @WithDefault("0")
    @Min(0) @Max(256)
    int eventLoopThreads();
}
