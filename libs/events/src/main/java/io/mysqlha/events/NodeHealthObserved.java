package io.mysqlha.events;

import io.mysqlha.domain.Flavour;
import io.mysqlha.events.health.AuroraReplica;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.GroupReplicationState;
import io.mysqlha.events.health.GtidState;
import io.mysqlha.events.health.LagSource;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ReplicationChannel;
import io.mysqlha.events.health.SemiSyncState;

import java.util.List;

/**
 * One probe of one node. When {@code reachable} is false only {@code failure} and {@code rttMicros} are set:
 * the probe says what it could not see rather than guessing.
 *
 * @param rttMicros        connect-and-query round trip of this probe
 * @param epoch            the primary epoch recorded in the node's {@code mysqlha} schema, null if none
 * @param lagMillis        replication lag, from the heartbeat table or Seconds_Behind_Master (see lagSource)
 * @param groupReplication present on Group Replication members
 * @param aurora           replica_host_status rows, present on Aurora
 */
@EventDoc("The health probe looked at one node: reachability, role, GTID positions, replication, lag,"
        + " semi-sync, Galera and Group Replication state.")
public record NodeHealthObserved(EventHeader header, String nodeId, String host, int port, boolean reachable,
                                 ProbeFailure failure, long rttMicros, Flavour flavour, String version,
                                 Boolean readOnly, Boolean superReadOnly, Long epoch, GtidState gtid,
                                 ReplicationChannel replication, SemiSyncState semiSync, Long lagMillis,
                                 LagSource lagSource, GaleraState galera, GroupReplicationState groupReplication,
                                 List<AuroraReplica> aurora) implements Event {
}
