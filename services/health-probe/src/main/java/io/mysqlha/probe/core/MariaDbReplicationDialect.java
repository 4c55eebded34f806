package io.mysqlha.probe.core;

import io.mysqlha.events.health.GtidState;
import io.mysqlha.events.health.ReplicationChannel;

import java.util.Map;
import java.util.Set;

/**
 * MariaDB 10.5+: SHOW SLAVE STATUS keeps the Master_/Slave_ column names; received transactions are Gtid_IO_Pos,
 * applied ones gtid_slave_pos. https://mariadb.com/kb/en/show-replica-status/
 */
public final class MariaDbReplicationDialect implements ReplicationDialect {

    @Override
    public String replicaStatusStatement() {
        return "SHOW SLAVE STATUS";
    }

    @Override
    public Set<String> gtidVariables() {
        return Set.of("gtid_current_pos", "gtid_binlog_pos", "gtid_slave_pos");
    }

    @Override
    public GtidState gtid(Map<String, String> v) {
        return new GtidState(null, null, v.get("gtid_current_pos"), v.get("gtid_binlog_pos"), v.get("gtid_slave_pos"));
    }

    @Override
    public ReplicationChannel channel(Map<String, String> row, Map<String, String> variables) {
        return new ReplicationChannel(Values.text(row.get("Master_Host")), Values.integer(row.get("Master_Port")),
                ThreadStates.of(row, "Slave_IO_Running"), ThreadStates.of(row, "Slave_SQL_Running"),
                Values.integer(row.get("Last_IO_Errno")), Values.text(row.get("Last_IO_Error")),
                Values.integer(row.get("Last_SQL_Errno")), Values.text(row.get("Last_SQL_Error")),
                Values.number(row.get("Seconds_Behind_Master")), row.get("Gtid_IO_Pos"),
                variables.get("gtid_slave_pos"), Values.text(row.get("Using_Gtid")));
    }
}
