package io.mysqlha.probe.core;

import io.mysqlha.events.health.SemiSyncState;

import java.util.Map;
import java.util.Set;

/**
 * Semi-sync on both sides. MySQL 8.0.26+ names it source/replica, MariaDB and older MySQL master/slave; both
 * spellings are read, whichever the server has.
 */
public final class SemiSyncReader {
    public static final Set<String> VARIABLES = Set.of("rpl_semi_sync_master_enabled", "rpl_semi_sync_source_enabled",
            "rpl_semi_sync_slave_enabled", "rpl_semi_sync_replica_enabled");
    public static final Set<String> STATUS = Set.of("Rpl_semi_sync_master_status", "Rpl_semi_sync_source_status",
            "Rpl_semi_sync_master_clients", "Rpl_semi_sync_source_clients", "Rpl_semi_sync_master_yes_tx",
            "Rpl_semi_sync_source_yes_tx", "Rpl_semi_sync_master_no_tx", "Rpl_semi_sync_source_no_tx",
            "Rpl_semi_sync_slave_status", "Rpl_semi_sync_replica_status");

    private SemiSyncReader() {
    }

    /** Null when the server has no semi-sync at all (plugin not loaded on MySQL). */
    public static SemiSyncState read(Map<String, String> vars, Map<String, String> status) {
        String masterEnabled = Values.first(vars, "rpl_semi_sync_source_enabled", "rpl_semi_sync_master_enabled");
        String slaveEnabled = Values.first(vars, "rpl_semi_sync_replica_enabled", "rpl_semi_sync_slave_enabled");
        if (masterEnabled == null && slaveEnabled == null) {
            return null;
        }
        return new SemiSyncState(Values.isTrue(masterEnabled),
                Values.isTrue(Values.first(status, "Rpl_semi_sync_source_status", "Rpl_semi_sync_master_status")),
                (int) Values.numberOr(Values.first(status, "Rpl_semi_sync_source_clients", "Rpl_semi_sync_master_clients"), 0),
                Values.numberOr(Values.first(status, "Rpl_semi_sync_source_yes_tx", "Rpl_semi_sync_master_yes_tx"), 0),
                Values.numberOr(Values.first(status, "Rpl_semi_sync_source_no_tx", "Rpl_semi_sync_master_no_tx"), 0),
                Values.isTrue(slaveEnabled),
                Values.isTrue(Values.first(status, "Rpl_semi_sync_replica_status", "Rpl_semi_sync_slave_status")));
    }
}
