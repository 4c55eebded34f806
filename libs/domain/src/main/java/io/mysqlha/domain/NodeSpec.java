package io.mysqlha.domain;

/**
 * One database server of a cluster as the operator declares it.
 *
 * @param id                  stable name of the node inside its cluster, e.g. {@code node1}
 * @param host                host name or address the services connect to
 * @param port                MySQL protocol port
 * @param zone                failure domain (availability zone, rack); used by election preferences
 * @param weight              reader weight, as ProxySQL's {@code mysql_servers.weight} (default 1)
 * @param noPromote           never elect this node as primary (a delayed or reporting replica)
 * @param maxReplicationLagMs per-node lag limit overriding the policy's, as ProxySQL's
 *                            {@code max_replication_lag} (null: use the policy's)
 */
public record NodeSpec(String id, String host, Integer port, String zone, Integer weight, Boolean noPromote,
                       Long maxReplicationLagMs) {

    public static final int DEFAULT_WEIGHT = 1;

    public NodeSpec {
        weight = weight == null ? DEFAULT_WEIGHT : weight;
        noPromote = noPromote != null && noPromote;
        zone = zone == null ? "" : zone;
    }

    /** True when {@code host:port} (as a replica's source, say) names this node. */
    public boolean isAt(String otherHost, Integer otherPort) {
        return otherHost != null && port.equals(otherPort) && host.equalsIgnoreCase(otherHost);
    }

    public String address() {
        return host + ":" + port;
    }
}
