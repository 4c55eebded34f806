package io.mysqlha.backup.binlog;

import io.mysqlha.backup.repository.BackupRepository;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.service.sql.NodeSqlException;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Archives one cluster's binlogs continuously from its current writer: {@code mariadb-binlog
 * --read-from-remote-server --raw --stop-never} copies the writer's binlog files into a spool folder as they grow
 * (the bytes of a commit are on local disk within milliseconds); each file the writer closed (the streamer has
 * begun the next one) becomes an archived segment: scanned, checksummed, indexed, announced. When the writer
 * changes or dies, everything spooled is archived up to its last complete transaction, and streaming resumes on
 * the new writer from the newest binlog file that starts at or before the first transaction not yet archived;
 * what the archive holds already is skipped by byte range, so the archive has no duplicate, and a hole in the
 * GTID sequence is reported as a gap. One thread per cluster.
 */
public final class BinlogArchiver implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BinlogArchiver.class);
    private static final Duration TICK = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    /** What the archiver tells the service: segments to announce, gaps to raise, gaps that ended. */
    public interface Listener {
        void archived(SegmentIndex segment);

        void gap(String nodeId, String summary);

        void continuous(String nodeId);
    }

    /** Settings shared by every cluster's archiver. */
    public record Settings(String tool, long streamerServerId, Path spool, Duration sqlTimeout) {
    }

    /** What it is doing, for the REST API. */
    public record Status(String writer, boolean streaming, String reached, long spooledBytes, String lastSegment,
                         String lastProblem) {
    }

    private final String clusterId;
    private final BackupRepository repository;
    private final Settings settings;
    private final DbCredentials credentials;
    private final Vertx vertx;
    private final Listener listener;
    private final Clock clock;
    private volatile NodeSpec wanted;
    private volatile NodeSpec streaming;
    private volatile Process streamer;
    private volatile String lastProblem;
    private volatile SegmentIndex lastSegment;
    private final ByteArrayOutputStream streamerErrors = new ByteArrayOutputStream();
    private Instant retryAt = Instant.MIN;
    private Duration backoff = RETRY;
    private Instant streamingSince = Instant.MIN;
    private volatile boolean closed;
    private boolean gapOpen;
    private Thread thread;

    public BinlogArchiver(String clusterId, BackupRepository repository, Settings settings, DbCredentials credentials,
                          Vertx vertx, Listener listener, Clock clock) {
        this.clusterId = clusterId;
        this.repository = repository;
        this.settings = settings;
        this.credentials = credentials;
        this.vertx = vertx;
        this.listener = listener;
        this.clock = clock;
    }

    public void start() {
        thread = Thread.ofPlatform().name("binlog-archiver-" + clusterId).daemon().start(this);
    }

    /** The writer to archive from now on (null: none, e.g. mid-failover). */
    public void follow(NodeSpec writer) {
        this.wanted = writer;
    }

    public Status status() {
        NodeSpec s = streaming;
        SegmentIndex last = lastSegment;
        long spooled = 0;
        if (s != null) {
            try (Stream<Path> files = Files.list(spoolOf(s))) {
                spooled = files.mapToLong(f -> f.toFile().length()).sum();
            } catch (IOException e) {
                spooled = -1;
            }
        }
        return new Status(s == null ? null : s.id(), streamer != null && streamer.isAlive(),
                last == null ? null : last.reached(), spooled, last == null ? null : last.artifact(), lastProblem);
    }

    /** The spool folder of a writer: where the streamer writes its copies of the writer's files. */
    public Path spoolOf(NodeSpec node) {
        return settings.spool().resolve(clusterId).resolve(node.id());
    }

    @Override
    public void run() {
        try {
            lastSegment = last();
        } catch (IOException e) {
            LOG.errorf("binlog archive of %s cannot be read (%s); archiving waits until it can", clusterId,
                    e.getMessage());
        }
        while (!closed) {
            try {
                tick();
            } catch (IOException | RuntimeException e) {
                // the same problem again (a writer that stays down) is logged once, and retried less and less often
                if (!Objects.equals(lastProblem, e.getMessage())) {
                    LOG.errorf("binlog archiving of %s: %s; retrying, backing off up to %d s", clusterId,
                            e.getMessage(), MAX_RETRY.toSeconds());
                }
                lastProblem = e.getMessage();
                stopStreamer();
                retryAt = clock.instant().plus(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
            }
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick() throws IOException {
        NodeSpec want = wanted;
        if (!Objects.equals(want, streaming)) {
            if (streaming != null) {
                stopStreamer();
                archiveSpool(streaming, true);
                LOG.infof("binlog archive of %s: stopped streaming from %s (writer now %s)", clusterId,
                        streaming.id(), want == null ? "none" : want.id());
                streaming = null;
            }
            if (want != null && !clock.instant().isBefore(retryAt)) {
                startStreamer(want);
            }
            return;
        }
        if (streaming == null) {
            return;
        }
        Process p = streamer;
        if (p == null || !p.isAlive()) {
            if (p != null) {
                String problem = settings.tool() + " streaming from " + streaming.id() + " exited with "
                        + p.exitValue() + ": " + lastLine();
                if (!problem.equals(lastProblem)) {
                    LOG.warnf("binlog archive of %s: %s; archiving what it copied, resuming in %d s", clusterId,
                            problem, backoff.toSeconds());
                }
                lastProblem = problem;
                streamer = null;
                archiveSpool(streaming, true);
                retryAt = clock.instant().plus(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
            }
            if (!clock.instant().isBefore(retryAt)) {
                NodeSpec node = streaming;
                streaming = null; // start again from what the archive reached
                startStreamer(node);
            }
            return;
        }
        if (lastProblem != null && clock.instant().isAfter(streamingSince.plusSeconds(10))) {
            lastProblem = null; // streaming steadily again
            backoff = RETRY;
        }
        archiveSpool(streaming, false);
    }

    private void startStreamer(NodeSpec writer) throws IOException {
        Path spool = spoolOf(writer);
        Files.createDirectories(spool);
        archiveSpool(writer, true); // what a crash of this service left spooled
        MariaDbGtidPosition reached = reached();
        String startFile = startFile(writer, reached);
        List<String> command = List.of(settings.tool(), "--read-from-remote-server", "--raw", "--stop-never",
                "--stop-never-slave-server-id=" + settings.streamerServerId(), "--protocol=TCP",
                "--host=" + writer.host(), "--port=" + writer.port(), "--user=" + credentials.user(),
                "--result-file=" + spool + "/", startFile);
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MYSQL_PWD", credentials.password().reveal());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + settings.tool() + " (" + e.getMessage() + "); install the"
                    + " server's client tools (mariadb-client) or set mysqlha.backup.binlog-tool", e);
        }
        synchronized (streamerErrors) {
            streamerErrors.reset();
        }
        Thread.ofVirtual().start(() -> drain(p.getErrorStream()));
        streamer = p;
        streaming = writer;
        streamingSince = clock.instant();
        LOG.infof("binlog archive of %s: streaming from %s (%s) at %s, archive reached %s", clusterId, writer.id(),
                writer.address(), startFile, reached.isEmpty() ? "nothing yet" : reached);
    }

    /**
     * The newest of the writer's binlog files that starts at or before the first transaction the archive lacks;
     * the oldest file when the archive is empty. When the writer no longer has such a file, the archive has a gap:
     * it is reported and streaming starts at the oldest file.
     */
    private String startFile(NodeSpec writer, MariaDbGtidPosition reached) {
        try (NodeSql sql = NodeSql.connect(vertx, writer, credentials, settings.sqlTimeout(), settings.sqlTimeout())) {
            List<String> files = sql.rows("SHOW BINARY LOGS").stream().map(r -> r.get("Log_name")).toList();
            if (files.isEmpty()) {
                throw new NodeSqlException(writer.id() + " has no binary logs: enable log_bin to archive them");
            }
            if (reached.isEmpty()) {
                return files.getFirst();
            }
            for (String file : files.reversed()) {
                String before = sql.value("SELECT BINLOG_GTID_POS('" + file.replace("'", "") + "', 4)").orElse("");
                if (reached.contains(MariaDbGtidPosition.parse(before))) {
                    return file;
                }
            }
            String oldest = sql.value("SELECT BINLOG_GTID_POS('" + files.getFirst().replace("'", "") + "', 4)")
                    .orElse("");
            String summary = "binlog archive of " + clusterId + " reached " + reached + " but " + writer.id()
                    + "'s oldest binlog " + files.getFirst() + " starts after " + oldest
                    + ": the transactions in between are not archived (point-in-time recovery cannot cross them;"
                    + " take a new dump)";
            gapOpen = true;
            lastProblem = summary;
            listener.gap(writer.id(), summary);
            return files.getFirst();
        }
    }

    /** Archives the writer's spooled files that are closed (all but the newest), or all of them. */
    private void archiveSpool(NodeSpec writer, boolean all) throws IOException {
        Path spool = spoolOf(writer);
        if (!Files.isDirectory(spool)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(spool)) {
            files = new ArrayList<>(list.filter(Files::isRegularFile).sorted().toList());
        }
        if (!all && !files.isEmpty()) {
            files.removeLast(); // the file the streamer is writing
        }
        for (Path f : files) {
            archive(writer, f);
            Files.delete(f);
        }
    }

    private void archive(NodeSpec writer, Path file) throws IOException {
        MariaDbGtidPosition reached = reached();
        ArchiveContinuity continuity = new ArchiveContinuity(reached);
        BinlogScanner.Scan scan = BinlogScanner.scan(file, continuity::accept);
        ArchiveContinuity.Added added = continuity.added(scan.completeEnd());
        if (added.nothingNew()) {
            LOG.debugf("binlog archive of %s: %s from %s adds nothing new (%d transactions archived already)",
                    clusterId, file.getFileName(), writer.id(), added.skipped());
            return;
        }
        SegmentIndex previous = lastSegment;
        long sequence = previous == null ? 1 : previous.sequence() + 1;
        String name = String.format("%08d-%s-%s", sequence, writer.id(), file.getFileName());
        String sha;
        long bytes;
        try (BackupRepository.Artifact a = repository.createSegment(clusterId, name);
             InputStream in = Files.newInputStream(file)) {
            in.transferTo(a.out());
            bytes = a.bytes();
            sha = a.commit();
        }
        SegmentIndex index = new SegmentIndex(sequence, clusterId, writer.id(), file.getFileName().toString(), name,
                bytes, sha, added.startOffset(), added.endOffset(), added.firstGtid(), added.lastGtid(),
                added.firstTime(), added.lastTime(), added.transactions(), added.reached(), added.problems(),
                clock.instant());
        repository.write(index);
        lastSegment = index;
        backoff = RETRY;
        LOG.infof("binlog archive of %s: %s archived (%d transactions %s..%s, %d bytes%s)", clusterId, name,
                added.transactions(), added.firstGtid(), added.lastGtid(), bytes,
                scan.truncated() ? ", cut short after byte " + scan.completeEnd() : "");
        listener.archived(index);
        if (!added.problems().isEmpty()) {
            gapOpen = true;
            lastProblem = String.join("; ", added.problems());
            listener.gap(writer.id(), "binlog archive of " + clusterId + ", segment " + name + ": " + lastProblem);
        } else if (gapOpen) {
            gapOpen = false;
            listener.continuous(writer.id());
        }
    }

    private MariaDbGtidPosition reached() {
        SegmentIndex last = lastSegment;
        return MariaDbGtidPosition.parse(last == null ? "" : last.reached());
    }

    private SegmentIndex last() throws IOException {
        List<SegmentIndex> all = repository.segments(clusterId);
        return all.isEmpty() ? null : all.getLast();
    }

    private void drain(InputStream errors) {
        byte[] buf = new byte[4096];
        try (errors) {
            for (int n; (n = errors.read(buf)) > 0; ) {
                synchronized (streamerErrors) {
                    if (streamerErrors.size() > 64 * 1024) {
                        streamerErrors.reset();
                    }
                    streamerErrors.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the streamer is gone; its exit code says why
        }
    }

    private String lastLine() {
        String s;
        synchronized (streamerErrors) {
            s = streamerErrors.toString(StandardCharsets.UTF_8).strip();
        }
        if (s.isEmpty()) {
            return "(nothing on stderr)";
        }
        String[] lines = s.split("\n");
        return lines[lines.length - 1];
    }

    private void stopStreamer() {
        Process p = streamer;
        streamer = null;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops streaming; the spool stays for the next owner of the cluster, which archives it first. */
    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopStreamer();
    }

    /**
     * What the spool holds beyond the archive, as segments a restore can replay: the writer's files not closed yet
     * (usually the one it is writing), each up to its last complete transaction. They are not checksummed (their
     * sha256 is null) and name their spool file by its absolute path.
     */
    public List<SegmentIndex> liveSegments() throws IOException {
        NodeSpec writer = streaming;
        if (writer == null || !Files.isDirectory(spoolOf(writer))) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(spoolOf(writer))) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        List<SegmentIndex> live = new ArrayList<>();
        MariaDbGtidPosition reached = reached();
        SegmentIndex last = lastSegment;
        long sequence = last == null ? 1 : last.sequence() + 1;
        for (Path f : files) {
            ArchiveContinuity continuity = new ArchiveContinuity(reached);
            BinlogScanner.Scan scan = BinlogScanner.scan(f, continuity::accept);
            ArchiveContinuity.Added added = continuity.added(scan.completeEnd());
            if (added.nothingNew()) {
                continue;
            }
            live.add(new SegmentIndex(sequence++, clusterId, writer.id(), f.getFileName().toString(),
                    f.toAbsolutePath().toString(), scan.completeEnd(), null, added.startOffset(), added.endOffset(),
                    added.firstGtid(), added.lastGtid(), added.firstTime(), added.lastTime(), added.transactions(),
                    added.reached(), added.problems(), null));
            reached = MariaDbGtidPosition.parse(added.reached());
        }
        return live;
    }

    /** For tests and the REST API: the archive's segments. */
    public List<SegmentIndex> segments() throws IOException {
        return repository.segments(clusterId);
    }
}
