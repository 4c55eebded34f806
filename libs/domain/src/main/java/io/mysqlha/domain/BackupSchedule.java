package io.mysqlha.domain;

/**
 * When and how the backup service dumps the cluster.
 *
 * @param cron              five-field cron expression (minute hour day-of-month month day-of-week), or
 *                          null for no scheduled dumps
 * @param retain            number of completed dumps to keep
 * @param compression       zstd, gzip or none
 * @param allowWriterSource dump from the writer when no replica qualifies
 */
public record BackupSchedule(String cron, Integer retain, String compression, Boolean allowWriterSource) {

    public static final BackupSchedule DEFAULTS = new BackupSchedule(null, null, null, null);

    public BackupSchedule {
        retain = retain == null ? 7 : retain;
        compression = compression == null ? "zstd" : compression;
        allowWriterSource = allowWriterSource != null && allowWriterSource;
    }
}
