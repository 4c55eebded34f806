package io.mysqlha.events;

/** @param passed true when the restore succeeded and its checks matched */
@EventDoc("A backup was restored into a scratch server and checked.")
public record BackupVerified(EventHeader header, String backupId, boolean passed, String detail,
                             long durationMillis) implements Event {
}
