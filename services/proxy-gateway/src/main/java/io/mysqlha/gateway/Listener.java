package io.mysqlha.gateway;

import java.net.InetSocketAddress;

/** One gateway port: its role, where it sends clients, its limits and figures. */
record Listener(String role, String bind, int port, InetSocketAddress backend, int maxConnections,
                int connectTimeoutMs, ListenerMetrics metrics) {

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
