package io.mysqlha.events.health;

/**
 * The node's replication from its source, from SHOW REPLICA STATUS.
 *
 * @param receivedGtids transactions received (MariaDB Gtid_IO_Pos, MySQL Retrieved_Gtid_Set)
 * @param executedGtids transactions applied (MariaDB gtid_slave_pos, MySQL Executed_Gtid_Set)
 */
public record ReplicationChannel(String sourceHost, Integer sourcePort, ThreadState ioThread, ThreadState sqlThread,
                                 Integer lastIoErrno, String lastIoError, Integer lastSqlErrno, String lastSqlError,
                                 Long secondsBehindSource, String receivedGtids, String executedGtids,
                                 String usingGtid) {
}
