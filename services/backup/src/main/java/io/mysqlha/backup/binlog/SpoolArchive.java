package io.mysqlha.backup.binlog;

import io.mysqlha.backup.repository.BackupRepository;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.gtid.GtidPosition;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One cluster's binlog archive as the archiver writes it: the position it has reached (its newest segment's), and
 * how a spooled copy of a writer's binlog file becomes a segment: scanned for what is new to the archive,
 * copied into the repository (checksummed, durable, renamed), indexed.
 */
final class SpoolArchive {
    private final String clusterId;
    private final BackupRepository repository;
    private final Clock clock;
    private volatile SegmentIndex last;

    SpoolArchive(String clusterId, BackupRepository repository, Clock clock) {
        this.clusterId = clusterId;
        this.repository = repository;
        this.clock = clock;
    }

    /** Reads where the archive stands from the repository (once, before archiving). */
    void load() throws IOException {
        List<SegmentIndex> all = repository.segments(clusterId);
        last = all.isEmpty() ? null : all.getLast();
    }

    SegmentIndex last() {
        return last;
    }

    /** Where the archive stands; null while it is empty. */
    GtidPosition reached() {
        SegmentIndex s = last;
        return s == null ? null : s.reachedPosition();
    }

    /** A scanned spool file: what it adds to the archive, and whether it was cut short. */
    record Scanned(ArchiveContinuity.Added added, BinlogScanner.Scan scan) {
    }

    private static Scanned scan(Path file, GtidPosition from) throws IOException {
        ArchiveContinuity continuity = new ArchiveContinuity(from);
        BinlogScanner.Scan scan = BinlogScanner.scan(file, continuity::accept, continuity::previous);
        return new Scanned(continuity.added(scan.completeEnd()), scan);
    }

    /** Archives a closed spool file of {@code nodeId}'s; empty when the archive holds all of it already. */
    Optional<Archived> archive(String nodeId, Path file) throws IOException {
        Scanned s = scan(file, reached());
        ArchiveContinuity.Added added = s.added();
        if (added.nothingNew()) {
            return Optional.empty();
        }
        long sequence = last == null ? 1 : last.sequence() + 1;
        String name = String.format("%08d-%s-%s", sequence, nodeId, file.getFileName());
        String sha;
        long bytes;
        try (BackupRepository.Artifact a = repository.createSegment(clusterId, name);
             InputStream in = Files.newInputStream(file)) {
            in.transferTo(a.out());
            sha = a.commit(); // first: an encrypted artefact's last record is written at commit
            bytes = a.bytes();
        }
        SegmentIndex index = new SegmentIndex(sequence, clusterId, nodeId, file.getFileName().toString(), name,
                bytes, sha, added.startOffset(), added.endOffset(), added.firstGtid(), added.lastGtid(),
                added.firstTime(), added.lastTime(), added.transactions(), added.reached(), added.problems(),
                clock.instant(), added.flavour());
        repository.write(index);
        last = index;
        return Optional.of(new Archived(index, s.scan()));
    }

    /** A segment just archived, and the scan it came from. */
    record Archived(SegmentIndex index, BinlogScanner.Scan scan) {
    }

    /**
     * Spool files not archived yet (a writer's open file), as segments a restore can replay up to their last
     * complete transaction: not checksummed (sha256 null), named by the spool file's absolute path.
     */
    List<SegmentIndex> live(String nodeId, List<Path> files) throws IOException {
        List<SegmentIndex> live = new ArrayList<>();
        GtidPosition reached = reached();
        long sequence = last == null ? 1 : last.sequence() + 1;
        for (Path f : files) {
            Scanned s = scan(f, reached);
            ArchiveContinuity.Added added = s.added();
            if (added.nothingNew()) {
                continue;
            }
            live.add(new SegmentIndex(sequence++, clusterId, nodeId, f.getFileName().toString(),
                    f.toAbsolutePath().toString(), s.scan().completeEnd(), null, added.startOffset(),
                    added.endOffset(), added.firstGtid(), added.lastGtid(), added.firstTime(), added.lastTime(),
                    added.transactions(), added.reached(), added.problems(), null, added.flavour()));
            reached = live.getLast().reachedPosition();
        }
        return live;
    }
}
