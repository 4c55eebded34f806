package io.mysqlha.events;

/** @param tool the dump tool and its version, e.g. {@code mariadb-dump 10.11.19} */
@EventDoc("A dump of the cluster started.")
public record BackupStarted(EventHeader header, String backupId, String sourceNode, String tool) implements Event {
}
