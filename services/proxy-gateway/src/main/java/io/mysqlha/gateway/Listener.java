package io.mysqlha.gateway;

import io.mysqlha.domain.ListenerRole;
import io.mysqlha.gateway.routing.Routes;
import io.mysqlha.gateway.routing.RoutingTable;
import io.mysqlha.gateway.session.SessionContext;
import io.mysqlha.gateway.session.SessionMetrics;
import io.mysqlha.gateway.split.SplitSettings;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One gateway port from a cluster's spec: the read/write listener sends to the cluster's writer (and, when the
 * cluster's policy splits, reads to a reader), the read-only one to a reader chosen by weight, both from the latest
 * topology. The split settings are looked up per statement in a map the gateway updates with every spec, so a policy
 * change does not reopen the port.
 */
record Listener(String clusterId, String name, ListenerRole listenerRole, String bind, int port, int maxConnections,
                ListenerMetrics metrics, RoutingTable table,
                java.util.Map<String, SplitSettings> splits,
                java.util.Map<String, io.mysqlha.gateway.split.WriterPosition> positions,
                java.util.concurrent.atomic.AtomicReference<SessionContext.Flavour> flavour,
                io.mysqlha.domain.ListenerTls tlsSpec, java.util.Map<String, ServerTls> tlsContexts,
                java.util.Map<String, NodeTlsContext> nodeTlsContexts,
                java.util.Map<String, ? extends SessionContext.ServerUsers> serverUsersByCluster,
                java.util.Map<String, io.mysqlha.domain.RoutingPolicy.ConnectionPool> poolSettings)
        implements SessionContext.Route {

    @Override
    public io.mysqlha.domain.RoutingPolicy.ConnectionPool pool() {
        return poolSettings.get(clusterId);
    }

    @Override
    public SessionContext.ServerUsers serverUsers() {
        return serverUsersByCluster.get(clusterId);
    }

    @Override
    public String role() {
        return listenerRole == ListenerRole.READ_WRITE ? "writer" : "reader";
    }

    @Override
    public String cluster() {
        return clusterId;
    }

    @Override
    public InetSocketAddress backend() {
        Routes routes = table.routes(clusterId).orElse(null);
        if (routes == null) {
            return null;
        }
        if (listenerRole == ListenerRole.READ_WRITE && table.hold(clusterId).isPresent()) {
            return null; // a switchover or failover is replacing the primary: writes wait for the new one
        }
        Routes.Node node = listenerRole == ListenerRole.READ_WRITE ? routes.writer()
                : routes.reader(ThreadLocalRandom.current().nextDouble());
        return node == null ? null : InetSocketAddress.createUnresolved(node.host(), node.port());
    }

    @Override
    public boolean stillServes(InetSocketAddress backend) {
        Routes routes = table.routes(clusterId).orElse(null);
        if (routes == null) {
            return false;
        }
        if (listenerRole == ListenerRole.READ_WRITE && table.hold(clusterId).isPresent()) {
            return false;
        }
        String address = backend.getHostString() + ":" + backend.getPort();
        return listenerRole == ListenerRole.READ_WRITE
                ? routes.writer() != null && routes.writer().address().equals(address) : routes.reads(address);
    }

    @Override
    public SplitSettings split() {
        return listenerRole == ListenerRole.READ_WRITE ? splits.get(clusterId) : null;
    }

    @Override
    public io.mysqlha.gateway.split.WriterPosition writerPosition() {
        return positions.get(clusterId); // made with the listener (Gateway)
    }

    @Override
    public InetSocketAddress readerBackend() {
        Routes.Node node = table.routes(clusterId).map(r -> r.reader(ThreadLocalRandom.current().nextDouble()))
                .orElse(null);
        return node == null ? null : InetSocketAddress.createUnresolved(node.host(), node.port());
    }

    @Override
    public boolean readerServes(InetSocketAddress reader) {
        String address = reader.getHostString() + ":" + reader.getPort();
        return table.routes(clusterId).map(r -> r.reads(address)).orElse(false);
    }

    @Override
    public long routesVersion() {
        return table.version();
    }

    @Override
    public SessionMetrics sessionMetrics() {
        return metrics;
    }

    @Override
    public io.netty.handler.ssl.SslContext tls() {
        ServerTls t = tlsSpec == null ? null : tlsContexts.get(key());
        return t == null ? null : t.context();
    }

    @Override
    public boolean requireTls() {
        return tlsSpec != null && tlsSpec.require();
    }

    @Override
    public SessionContext.NodeTls nodeTls() {
        return nodeTlsContexts.get(clusterId); // made with the listener (Gateway)
    }

    String key() {
        return bind + ":" + port;
    }
}
