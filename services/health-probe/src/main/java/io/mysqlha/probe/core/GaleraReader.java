package io.mysqlha.probe.core;

import io.mysqlha.events.health.GaleraState;

import java.util.Map;
import java.util.Set;

/** Galera (MariaDB Galera, Percona XtraDB Cluster): wsrep status and the two switches that take a node out. */
public final class GaleraReader {
    public static final Set<String> VARIABLES = Set.of("wsrep_on", "wsrep_desync", "wsrep_reject_queries");
    public static final Set<String> STATUS = Set.of("wsrep_local_state", "wsrep_local_state_comment",
            "wsrep_cluster_status", "wsrep_cluster_size", "wsrep_local_recv_queue", "wsrep_ready", "wsrep_connected",
            "wsrep_flow_control_paused");

    private GaleraReader() {
    }

    /** Null when the node is not a Galera node (wsrep off or absent). */
    public static GaleraState read(Map<String, String> vars, Map<String, String> status) {
        if (!Values.isTrue(vars.get("wsrep_on")) || status.get("wsrep_local_state") == null) {
            return null;
        }
        return new GaleraState((int) Values.numberOr(status.get("wsrep_local_state"), -1),
                status.get("wsrep_local_state_comment"), status.get("wsrep_cluster_status"),
                (int) Values.numberOr(status.get("wsrep_cluster_size"), 0), Values.isTrue(vars.get("wsrep_desync")),
                vars.getOrDefault("wsrep_reject_queries", "NONE"), Values.numberOr(status.get("wsrep_local_recv_queue"), 0),
                Values.isTrue(status.get("wsrep_ready")), Values.isTrue(status.get("wsrep_connected")),
                Values.decimal(status.get("wsrep_flow_control_paused")));
    }
}
