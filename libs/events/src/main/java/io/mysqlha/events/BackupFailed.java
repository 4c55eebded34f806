package io.mysqlha.events;

@EventDoc("A dump failed; nothing it wrote is presented as a backup.")
public record BackupFailed(EventHeader header, String backupId, String sourceNode, String reason) implements Event {
}
