package io.mysqlha.probe.core;

import java.util.List;
import java.util.Map;

/**
 * What one probe cycle read from a node, as the server printed it; the pure code around it decides what it
 * means. Maps are keyed by variable, status or column name as the server spells them.
 *
 * @param variables      SHOW GLOBAL VARIABLES rows (name to value)
 * @param status         SHOW GLOBAL STATUS rows (name to value)
 * @param replicaStatus  SHOW SLAVE STATUS / SHOW REPLICA STATUS rows (empty: not a replica)
 * @param heartbeatMicros the source's heartbeat timestamp (probe clock, µs) as this node has applied it, or null
 * @param groupMembers   performance_schema group members joined with their stats (Group Replication only)
 * @param auroraReplicas information_schema.replica_host_status rows (Aurora only)
 */
public record Readings(Map<String, String> variables, Map<String, String> status,
                       List<Map<String, String>> replicaStatus, Long heartbeatMicros,
                       List<Map<String, String>> groupMembers, List<Map<String, String>> auroraReplicas) {
    public Readings {
        variables = Map.copyOf(variables);
        status = Map.copyOf(status);
        replicaStatus = List.copyOf(replicaStatus);
        groupMembers = groupMembers == null ? List.of() : List.copyOf(groupMembers);
        auroraReplicas = auroraReplicas == null ? List.of() : List.copyOf(auroraReplicas);
    }

    public String variable(String name) {
        return variables.get(name);
    }

    public String status(String name) {
        return status.get(name);
    }
}
