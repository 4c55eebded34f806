package io.mysqlha.events.health;

import java.time.Instant;

/** One row of Aurora's information_schema.replica_host_status. */
public record AuroraReplica(String serverId, String sessionId, double replicaLagMillis, Instant lastUpdate) {
}
