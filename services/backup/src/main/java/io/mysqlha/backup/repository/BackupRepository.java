package io.mysqlha.backup.repository;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where backups are kept: per cluster, artefacts and their manifests. An artefact is written to a temporary name
 * and appears under its own name only when {@link Artifact#commit()} made it complete and durable, so a crash never
 * leaves a half file that looks whole. The local implementation is a directory; an object store can implement the
 * same interface (a multipart upload is its temporary name, completing it the commit).
 */
public interface BackupRepository {

    /** Starts an artefact of this cluster under {@code name}; nothing is visible under that name until commit. */
    Artifact create(String clusterId, String name) throws IOException;

    /** Writes a manifest (atomically: it is whole or absent). */
    void write(Manifest manifest) throws IOException;

    /** The cluster's manifests, oldest first. */
    List<Manifest> manifests(String clusterId) throws IOException;

    Optional<Manifest> manifest(String clusterId, String backupId) throws IOException;

    /** Recomputes the artefact's checksum: null when it matches its manifest, else what is wrong. */
    String verify(Manifest manifest) throws IOException;

    /** Removes a backup: its manifest first (so it stops being listed), then its artefact. */
    void delete(Manifest manifest) throws IOException;

    /** Starts a binlog segment in the cluster's binlog folder; visible only after commit, like an artefact. */
    Artifact createSegment(String clusterId, String name) throws IOException;

    /** Writes a segment's index (atomically), once the segment is committed. */
    void write(SegmentIndex segment) throws IOException;

    /** The cluster's archived binlog segments in archive order. */
    List<SegmentIndex> segments(String clusterId) throws IOException;

    /** Recomputes a segment's checksum: null when it matches its index, else what is wrong. */
    String verify(SegmentIndex segment) throws IOException;

    /** Removes a segment: its index first, then its bytes. */
    void delete(SegmentIndex segment) throws IOException;

    /**
     * A local file with the artefact's bytes, for the server tools that read files (the local repository hands out
     * the file itself; an object store downloads it to {@code scratch}).
     */
    java.nio.file.Path localFile(Manifest manifest, java.nio.file.Path scratch) throws IOException;

    java.nio.file.Path localFile(SegmentIndex segment, java.nio.file.Path scratch) throws IOException;

    /** An artefact being written: bytes go through a SHA-256 as they are written. */
    interface Artifact extends AutoCloseable {
        OutputStream out();

        /** Bytes written so far. */
        long bytes();

        /**
         * Makes the artefact durable and visible under its name; returns its SHA-256 (hex). After this the
         * artefact is whole on disk even if the process dies the next instant.
         */
        String commit() throws IOException;

        /** Closes without committing: the temporary artefact is removed (also what close() does if not committed). */
        @Override
        void close() throws IOException;
    }
}
