package io.mysqlha.gateway.session;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What every session of a gateway shares: the users, the version string it greets with (the last one a backend
 * greeted the gateway with, so clients see the server they really talk to), its connection ids and timeouts.
 */
public record SessionContext(Supplier<AppUsers> users, AtomicReference<String> serverVersion, AtomicLong ids,
                             int handshakeTimeoutMs, int connectTimeoutMs) {

    /** Where one listener sends its sessions, and what it counts. */
    public interface Route {
        /** The listener's role, for messages ("writer", "reader"). */
        String role();

        /** The node to connect a new backend connection to, or null when there is none now. */
        InetSocketAddress backend();

        SessionMetrics sessionMetrics();

        int maxConnections();
    }
}
