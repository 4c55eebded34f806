package io.mysqlha.events;

/**
 * @param gtidPosition the position the dump is consistent with, in the cluster's notation
 * @param location     where the artefact lies in the backup repository
 */
@EventDoc("A dump finished and its artefact is complete, checksummed and in the repository.")
public record BackupCompleted(EventHeader header, String backupId, String sourceNode, String gtidPosition,
                              String binlogFile, long binlogPosition, long bytes, String sha256,
                              long durationMillis, String location) implements Event {
}
