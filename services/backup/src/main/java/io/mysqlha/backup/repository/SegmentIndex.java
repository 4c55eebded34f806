package io.mysqlha.backup.repository;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.gtid.GtidPosition;

import java.time.Instant;
import java.util.List;

/**
 * One archived binlog segment, written beside it as {@code <artifact>.json} once the segment is complete,
 * checksummed and renamed into place. A restore replays bytes {@code [startOffset, endOffset)}: what the archive
 * did not hold already, up to the last complete transaction.
 *
 * @param sequence    the segment's place in the archive (archive order, across writers)
 * @param sourceNode  the writer it was streamed from
 * @param file        the binlog file name on that writer
 * @param artifact    the segment's name in the cluster's binlog folder
 * @param firstGtid   the first transaction new to the archive (null when the segment added none)
 * @param reached     the archive's GTID position after this segment
 * @param problems    gaps or duplicates found when it was archived (empty when it follows on cleanly)
 * @param flavour     the notation of its GTIDs (segments archived before MySQL was archived have none: MariaDB)
 */
public record SegmentIndex(long sequence, String clusterId, String sourceNode, String file, String artifact,
                           long bytes, String sha256, long startOffset, long endOffset, String firstGtid,
                           String lastGtid, Instant firstEventTime, Instant lastEventTime, long transactions,
                           String reached, List<String> problems, Instant archivedAt, Flavour flavour,
                           String encryptionKey) {
    public SegmentIndex {
        problems = problems == null ? List.of() : List.copyOf(problems);
        flavour = flavour == null ? Flavour.MARIADB : flavour;
    }

    /** A segment stored as it was written (not encrypted at rest). */
    public SegmentIndex(long sequence, String clusterId, String sourceNode, String file, String artifact,
                        long bytes, String sha256, long startOffset, long endOffset, String firstGtid,
                        String lastGtid, Instant firstEventTime, Instant lastEventTime, long transactions,
                        String reached, List<String> problems, Instant archivedAt, Flavour flavour) {
        this(sequence, clusterId, sourceNode, file, artifact, bytes, sha256, startOffset, endOffset, firstGtid,
                lastGtid, firstEventTime, lastEventTime, transactions, reached, problems, archivedAt, flavour, null);
    }

    /** The same segment, its bytes encrypted at rest with the key of this id ({@code BackupKey}). */
    public SegmentIndex withEncryptionKey(String keyId) {
        return new SegmentIndex(sequence, clusterId, sourceNode, file, artifact, bytes, sha256, startOffset,
                endOffset, firstGtid, lastGtid, firstEventTime, lastEventTime, transactions, reached, problems,
                archivedAt, flavour, keyId);
    }

    /** The archive's GTID position after this segment. */
    public GtidPosition reachedPosition() {
        return GtidPosition.parse(flavour, reached);
    }

    /** The segment's first new transaction, as a position (empty when it added none). */
    public GtidPosition firstPosition() {
        return GtidPosition.parse(flavour, firstGtid == null ? "" : firstGtid);
    }
}
