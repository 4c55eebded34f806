package io.mysqlha.gateway;

import io.mysqlha.gateway.session.SessionContext;
import io.mysqlha.gateway.session.SessionMetrics;

import java.net.InetSocketAddress;

/** One gateway port: its role, where it sends clients, its limits and figures. */
record Listener(String role, String bind, int port, InetSocketAddress fixedBackend, int maxConnections,
                ListenerMetrics metrics) implements SessionContext.Route {

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public InetSocketAddress backend() {
        return fixedBackend;
    }

    @Override
    public SessionMetrics sessionMetrics() {
        return metrics;
    }
}
