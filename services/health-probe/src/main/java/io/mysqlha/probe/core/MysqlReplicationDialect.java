package io.mysqlha.probe.core;

import io.mysqlha.events.health.GtidState;
import io.mysqlha.events.health.ReplicationChannel;

import java.util.Map;
import java.util.Set;

/**
 * MySQL 8.0.22+: SHOW REPLICA STATUS with Source_/Replica_ names; received transactions are Retrieved_Gtid_Set,
 * applied ones Executed_Gtid_Set. https://dev.mysql.com/doc/refman/8.4/en/show-replica-status.html
 */
public final class MysqlReplicationDialect implements ReplicationDialect {

    @Override
    public String replicaStatusStatement() {
        return "SHOW REPLICA STATUS";
    }

    @Override
    public Set<String> gtidVariables() {
        return Set.of("gtid_executed", "server_uuid");
    }

    @Override
    public GtidState gtid(Map<String, String> v) {
        return new GtidState(oneLine(v.get("gtid_executed")), v.get("server_uuid"), null, null, null);
    }

    @Override
    public ReplicationChannel channel(Map<String, String> row, Map<String, String> variables) {
        return new ReplicationChannel(Values.text(row.get("Source_Host")), Values.integer(row.get("Source_Port")),
                ThreadStates.of(row, "Replica_IO_Running"), ThreadStates.of(row, "Replica_SQL_Running"),
                Values.integer(row.get("Last_IO_Errno")), Values.text(row.get("Last_IO_Error")),
                Values.integer(row.get("Last_SQL_Errno")), Values.text(row.get("Last_SQL_Error")),
                Values.number(row.get("Seconds_Behind_Source")), oneLine(row.get("Retrieved_Gtid_Set")),
                oneLine(row.get("Executed_Gtid_Set")), Values.isTrue(row.get("Auto_Position")) ? "Auto_Position" : "No");
    }

    /** MySQL prints long GTID sets over several lines. */
    private static String oneLine(String gtids) {
        return gtids == null ? null : gtids.replace("\n", "").replace("\r", "");
    }
}
