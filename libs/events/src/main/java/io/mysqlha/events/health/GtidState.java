package io.mysqlha.events.health;

/**
 * GTID positions as the server printed them, in its flavour's notation.
 *
 * @param executed   MySQL {@code @@gtid_executed}
 * @param serverUuid MySQL {@code @@server_uuid}
 * @param currentPos MariaDB {@code @@gtid_current_pos}
 * @param binlogPos  MariaDB {@code @@gtid_binlog_pos}
 * @param slavePos   MariaDB {@code @@gtid_slave_pos}
 */
public record GtidState(String executed, String serverUuid, String currentPos, String binlogPos, String slavePos) {
}
