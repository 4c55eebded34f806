package io.mysqlha.failover.io;

import io.mysqlha.domain.gtid.GtidPosition;

/**
 * A node's replication state as read at a recovery's start.
 *
 * @param sourceHost null when the node replicates from nobody
 * @param received   everything it has: received by the IO thread or applied
 * @param applied    what it applied
 * @param own        what its binlog holds (MariaDB gtid_binlog_pos, MySQL gtid_executed)
 */
public record ReplicaReading(String sourceHost, Integer sourcePort, boolean ioRunning, boolean sqlRunning,
                             GtidPosition received, GtidPosition applied, GtidPosition own, Long lagSeconds,
                             boolean readOnly) {
}
