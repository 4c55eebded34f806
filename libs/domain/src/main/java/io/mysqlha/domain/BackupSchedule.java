package io.mysqlha.domain;

/**
 * When and how the backup service dumps the cluster.
 *
 * @param cron              five-field cron expression (minute hour day-of-month month day-of-week), or
 *                          null for no scheduled dumps
 * @param retain            number of completed dumps to keep
 * @param compression       zstd, gzip or none
 * @param allowWriterSource dump from the writer when no replica qualifies
 * @param encryptionKey     name of the secret holding the 256-bit key dumps and archived binlogs are encrypted with
 *                          at rest (AES-256-GCM; 64 hex digits, {@code openssl rand -hex 32}); null: stored as written
 */
public record BackupSchedule(String cron, Integer retain, String compression, Boolean allowWriterSource,
                             String encryptionKey) {

    public static final BackupSchedule DEFAULTS = new BackupSchedule(null, null, null, null, null);

    /** A schedule whose backups are not encrypted at rest. */
    public BackupSchedule(String cron, Integer retain, String compression, Boolean allowWriterSource) {
        this(cron, retain, compression, allowWriterSource, null);
    }

    public BackupSchedule {
        retain = retain == null ? 7 : retain;
        compression = compression == null ? "zstd" : compression;
        allowWriterSource = allowWriterSource != null && allowWriterSource;
    }
}
