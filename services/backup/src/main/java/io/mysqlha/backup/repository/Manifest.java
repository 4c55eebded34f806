package io.mysqlha.backup.repository;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.gtid.GtidPosition;

import java.time.Instant;

/**
 * What one backup is, written beside its artefact as {@code <backupId>.json}. A manifest is written only after
 * its artefact is complete, checksummed and renamed into place: a manifest whose status is COMPLETED names an
 * artefact that was whole when it was written (its checksum says whether it still is).
 *
 * @param artifact       the artefact's file name in the cluster's folder
 * @param gtidPosition   the position the dump is consistent with, in the cluster's notation
 * @param bytes          the artefact's size as stored (compressed)
 * @param sha256         of the artefact as stored, hex
 * @param tool           the dump tool and its version ("mariadb-dump 10.11.6")
 * @param tableChecksums {@code CHECKSUM TABLE} of every table at the dump's GTID position, taken on the source while
 *                       it applied nothing (null when the source could not be held still: a dump from the writer)
 * @param flavour        the server family dumped, which says how to read the GTID position and which tools restore
 *                       it (manifests written before MySQL was backed up have none: MariaDB)
 */
public record Manifest(String backupId, String clusterId, String sourceNode, String serverVersion,
                       String gtidPosition, String binlogFile, Long binlogPosition, Instant startedAt,
                       Instant endedAt, String artifact, long bytes, String sha256, String compression, String tool,
                       Status status, String failure, java.util.Map<String, Long> tableChecksums,
                       Flavour flavour, String encryptionKey) {
    public Manifest {
        flavour = flavour == null ? Flavour.MARIADB : flavour;
    }

    /** A dump stored as it was written (not encrypted at rest). */
    public Manifest(String backupId, String clusterId, String sourceNode, String serverVersion,
                    String gtidPosition, String binlogFile, Long binlogPosition, Instant startedAt,
                    Instant endedAt, String artifact, long bytes, String sha256, String compression, String tool,
                    Status status, String failure, java.util.Map<String, Long> tableChecksums, Flavour flavour) {
        this(backupId, clusterId, sourceNode, serverVersion, gtidPosition, binlogFile, binlogPosition, startedAt,
                endedAt, artifact, bytes, sha256, compression, tool, status, failure, tableChecksums, flavour, null);
    }

    /** The same dump, its artefact encrypted at rest with the key of this id ({@code BackupKey}). */
    public Manifest withEncryptionKey(String keyId) {
        return new Manifest(backupId, clusterId, sourceNode, serverVersion, gtidPosition, binlogFile, binlogPosition,
                startedAt, endedAt, artifact, bytes, sha256, compression, tool, status, failure, tableChecksums,
                flavour, keyId);
    }

    /** The GTID position the dump is consistent with (null when it has none). */
    public GtidPosition position() {
        return gtidPosition == null ? null : GtidPosition.parse(flavour, gtidPosition);
    }

    public Manifest withTableChecksums(java.util.Map<String, Long> checksums) {
        return new Manifest(backupId, clusterId, sourceNode, serverVersion, gtidPosition, binlogFile, binlogPosition,
                startedAt, endedAt, artifact, bytes, sha256, compression, tool, status, failure,
                checksums == null ? null : java.util.Map.copyOf(checksums), flavour, encryptionKey);
    }

    /** Where a backup stands. */
    public enum Status { COMPLETED, FAILED }
}
