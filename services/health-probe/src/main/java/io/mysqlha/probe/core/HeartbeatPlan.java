package io.mysqlha.probe.core;

import io.mysqlha.events.health.ReplicationChannel;

import java.util.List;
import java.util.Map;

/**
 * What a probe cycle does about heartbeats on one node, decided from what the node reported: write this probe's
 * clock (a writable node), read the source's row (a replica), or nothing (heartbeats off, Galera and Group
 * Replication, which measure lag with their own queues, or a node that is neither).
 */
public sealed interface HeartbeatPlan {

    record Write() implements HeartbeatPlan {
    }

    /** Read the row of the node at this replication source address. */
    record Read(String sourceHost, Integer sourcePort) implements HeartbeatPlan {
    }

    record None() implements HeartbeatPlan {
    }

    static HeartbeatPlan decide(boolean enabled, Map<String, String> vars, List<Map<String, String>> replicaStatus) {
        if (!enabled || Values.isTrue(vars.get("wsrep_on")) || GroupReplicationReader.isMember(vars)) {
            return new None();
        }
        // SHOW VARIABLES prints ON/OFF, @@global prints 1/0: Values reads both the same way
        if (Boolean.FALSE.equals(Values.bool(vars.get("read_only"))) && !Values.isTrue(vars.get("super_read_only"))) {
            return new Write();
        }
        if (replicaStatus.isEmpty()) {
            return new None();
        }
        ReplicationChannel channel = Flavours.dialect(Flavours.of(vars.get("version")))
                .channel(ObservationAssembler.defaultChannel(replicaStatus), vars);
        return new Read(channel.sourceHost(), channel.sourcePort());
    }
}
