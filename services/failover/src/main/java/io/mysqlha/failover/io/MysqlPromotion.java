package io.mysqlha.failover.io;

import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.domain.ClusterKind;
import io.mysqlha.failover.core.AdminGrants;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.domain.gtid.MysqlGtidSet;
import io.mysqlha.service.DbCredentials;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * MySQL 8.0.23+: SHOW REPLICA STATUS, gtid_executed, WAIT_FOR_EXECUTED_GTID_SET, SOURCE_AUTO_POSITION,
 * super_read_only, semi-sync's source-side variable names of 8.0.26+. Tested on MySQL 9.7 (FailoverOwnerIT).
 */
final class MysqlPromotion implements PromotionDialect {

    /**
     * MySQL 8's dynamic privileges, each with SUPER (deprecated, still honoured) as the alternative. A group's
     * recoveries are the group's own: a switchover needs only to drain and to ask it.
     */
    @Override
    public List<AdminGrants.Requirement> adminRequirements(ClusterKind kind) {
        AdminGrants.Requirement drain = AdminGrants.Requirement.global(
                "seeing other sessions' transactions (a switchover's drain)", "PROCESS");
        return switch (kind) {
            case ASYNC, SEMI_SYNC -> java.util.stream.Stream.concat(List.of(
                    AdminGrants.Requirement.global("SET GLOBAL super_read_only, read_only and"
                            + " rpl_semi_sync_source_enabled (fencing and promotion)", "SYSTEM_VARIABLES_ADMIN", "SUPER"),
                    AdminGrants.Requirement.global("STOP/START REPLICA and CHANGE REPLICATION SOURCE TO (re-pointing"
                            + " replicas)", "REPLICATION_SLAVE_ADMIN", "SUPER"),
                    AdminGrants.Requirement.global("SHOW REPLICA STATUS (a replica's position)", "REPLICATION CLIENT",
                            "SUPER"),
                    drain).stream(), EPOCH_TABLE.stream()).toList();
            case GROUP_REPLICATION -> List.of(drain, AdminGrants.Requirement.global(
                    "group_replication_set_as_primary (a group's switchover)", "GROUP_REPLICATION_ADMIN", "SUPER"));
            case GALERA, AURORA -> List.of();
        };
    }

    @Override
    public Flavour flavour() {
        return Flavour.MYSQL;
    }

    @Override
    public ReplicaReading read(NodeSql sql) {
        Map<String, String> vars = sql.rows("SELECT @@GLOBAL.gtid_executed AS executed, @@read_only AS ro").getFirst();
        MysqlGtidSet executed = MysqlGtidSet.parse(vars.get("executed"));
        boolean readOnly = "1".equals(vars.get("ro"));
        List<Map<String, String>> status = sql.rows("SHOW REPLICA STATUS");
        if (status.isEmpty()) {
            return new ReplicaReading(null, null, false, false, executed, executed, executed, null, readOnly);
        }
        Map<String, String> s = status.getFirst();
        MysqlGtidSet retrieved = MysqlGtidSet.parse(s.get("Retrieved_Gtid_Set"));
        String lag = s.get("Seconds_Behind_Source");
        return new ReplicaReading(s.get("Source_Host"), Integer.valueOf(s.get("Source_Port")),
                "Yes".equals(s.get("Replica_IO_Running")), "Yes".equals(s.get("Replica_SQL_Running")),
                retrieved.union(executed), executed, executed, lag == null ? null : Long.valueOf(lag), readOnly);
    }

    @Override
    public void fence(NodeSql sql) {
        sql.execute("SET GLOBAL super_read_only=ON"); // implies read_only=ON
    }

    @Override
    public void unfence(NodeSql sql) {
        sql.execute("SET GLOBAL super_read_only=OFF", "SET GLOBAL read_only=OFF");
    }

    @Override
    public void allowAdminWrites(NodeSql sql) {
        sql.execute("SET GLOBAL read_only=ON", "SET GLOBAL super_read_only=OFF");
    }

    @Override
    public boolean waitApplied(NodeSql sql, GtidPosition position, Duration timeout) {
        if (position.isEmpty()) {
            return true;
        }
        // 0 once executed, 1 at the timeout
        String answer = sql.value("SELECT WAIT_FOR_EXECUTED_GTID_SET('" + position + "', "
                + Math.max(1, timeout.toSeconds()) + ")", timeout.plusSeconds(2)).orElse("1");
        return "0".equals(answer);
    }

    @Override
    public void stopReplication(NodeSql sql) {
        sql.executeSlow("STOP REPLICA", Duration.ofSeconds(30));
        sql.execute("RESET REPLICA ALL");
    }

    @Override
    public void pointAt(NodeSql sql, NodeSpec source, ClusterCredentials creds, boolean fromOwnBinlog) {
        // MySQL's auto-position sends gtid_executed, which already is the node's own history: nothing to set
        DbCredentials replication = creds.replication();
        sql.executeSlow("STOP REPLICA", Duration.ofSeconds(30));
        sql.executeSecret("CHANGE REPLICATION SOURCE TO SOURCE_HOST='" + MariaDbPromotion.quote(source.host())
                        + "', SOURCE_PORT=" + source.port() + ", SOURCE_USER='"
                        + MariaDbPromotion.quote(replication.user()) + "', SOURCE_PASSWORD='"
                        + MariaDbPromotion.quote(replication.password().reveal())
                        + "', SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=1, GET_SOURCE_PUBLIC_KEY=1"
                        + MariaDbPromotion.replicationTls("SOURCE_SSL", creds.tls().mode()),
                "CHANGE REPLICATION SOURCE TO " + source.address() + " as " + replication.user());
        sql.execute("START REPLICA");
    }

    @Override
    public void semiSyncSource(NodeSql sql, boolean enabled) {
        sql.execute("SET GLOBAL rpl_semi_sync_source_enabled=" + (enabled ? "ON" : "OFF"));
    }

    @Override
    public int semiSyncClients(NodeSql sql) {
        return sql.rows("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_source_clients'").stream().findFirst()
                .map(r -> Integer.parseInt(r.get("Value"))).orElse(0);
    }

    /** GTID sets name every transaction: what the node executed and the source did not is missing there. */
    @Override
    public java.util.Optional<String> missingOn(NodeSql source, ReplicaReading mine) {
        long extra = mine.own().transactionsNotIn(read(source).own());
        return extra == 0 ? java.util.Optional.empty() : java.util.Optional.of(extra + " transaction(s) of "
                + mine.own());
    }
}
