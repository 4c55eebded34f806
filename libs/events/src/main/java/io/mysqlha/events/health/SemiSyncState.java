package io.mysqlha.events.health;

/** Semi-synchronous replication on both sides, from the rpl_semi_sync_* variables and status. */
public record SemiSyncState(boolean masterEnabled, boolean masterStatus, int masterClients, long masterYesTx,
                            long masterNoTx, boolean slaveEnabled, boolean slaveStatus) {
}
