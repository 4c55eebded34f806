package io.mysqlha.backup.binlog;

import io.mysqlha.backup.repository.BackupRepository;
import io.mysqlha.backup.io.StderrTail;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.backup.io.BackupFlavour;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.service.sql.NodeSqlException;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.io.IOException;
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
 * Archives one cluster's binlogs continuously from its current writer: {@code mariadb-binlog} (or
 * {@code mysqlbinlog}) {@code --read-from-remote-server --raw --stop-never} copies the writer's binlog files into a spool folder as they grow
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

    /** Settings shared by every cluster's archiver; the writer's flavour picks its tools. */
    public record Settings(BackupFlavour.Choice flavours, long streamerServerId, Path spool, Duration sqlTimeout) {
    }

    /** What it is doing, for the REST API. */
    public record Status(String writer, boolean streaming, String reached, long spooledBytes, String lastSegment,
                         String lastProblem) {
    }

    private final String clusterId;
    private final Settings settings;
    private final DbCredentials credentials;
    private final io.mysqlha.service.sql.NodeTlsSettings tls;
    private final Vertx vertx;
    private final Listener listener;
    private final Clock clock;
    private volatile NodeSpec wanted;
    private volatile NodeSpec streaming;
    private volatile Process streamer;
    private volatile String lastProblem;
    private final SpoolArchive store;
    private volatile StderrTail streamerErrors;
    private volatile String tool = "the binlog tool";
    private Instant retryAt = Instant.MIN;
    private Duration backoff = RETRY;
    private Instant streamingSince = Instant.MIN;
    private volatile boolean closed;
    private boolean gapOpen;
    private Thread thread;

    public BinlogArchiver(String clusterId, BackupRepository repository, Settings settings, DbCredentials credentials,
                          io.mysqlha.service.sql.NodeTlsSettings tls,
                          Vertx vertx, Listener listener, Clock clock) {
        this.clusterId = clusterId;
        this.store = new SpoolArchive(clusterId, repository, clock);
        this.settings = settings;
        this.credentials = credentials;
        this.tls = tls;
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
        SegmentIndex last = store.last();
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
            store.load();
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
                String problem = tool + " streaming from " + streaming.id() + " exited with "
                        + p.exitValue() + ": " + streamerErrors.lastLine();
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
        GtidPosition reached = store.reached();
        Start start = startFile(writer, reached);
        tool = start.flavour().tools().binlog();
        io.mysqlha.backup.io.ToolPassword password = io.mysqlha.backup.io.ToolPassword.write(credentials.password());
        List<String> command = new java.util.ArrayList<>(List.of(tool, password.argument(), "--read-from-remote-server", "--raw",
                "--stop-never", start.flavour().streamerServerId(settings.streamerServerId()), "--protocol=TCP",
                "--host=" + writer.host(), "--port=" + writer.port(), "--user=" + credentials.user(),
                "--result-file=" + spool + "/"));
        command.addAll(tls.toolArguments(start.flavour().flavour(), settings.spool().resolve("tls").resolve(clusterId)));
        command.add(start.file());
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("MYSQL_PWD");
        Process p;
        try {
            p = pb.start();
            password.removeWhenDone(p);
        } catch (IOException e) {
            password.close();
            throw new IOException("cannot start " + tool + " (" + e.getMessage() + "); install the server's client"
                    + " tools (" + start.flavour().toolPackage() + ") or set mysqlha.backup."
                    + start.flavour().flavour().name().toLowerCase(java.util.Locale.ROOT) + ".binlog-tool", e);
        }
        streamerErrors = StderrTail.of(p);
        streamer = p;
        streaming = writer;
        streamingSince = clock.instant();
        LOG.infof("binlog archive of %s: streaming from %s (%s) at %s, archive reached %s", clusterId, writer.id(),
                writer.address(), start.file(), reached == null ? "nothing yet" : reached);
    }

    /** Where streaming starts on a writer, and the writer's flavour. */
    private record Start(String file, BackupFlavour flavour) {
    }

    /** Where to stream from on this writer ({@link ResumePoint}); a gap is raised as it is found. */
    private Start startFile(NodeSpec writer, GtidPosition reached) {
        try (NodeSql sql = NodeSql.connect(vertx, writer, credentials, tls, settings.sqlTimeout(), settings.sqlTimeout())) {
            BackupFlavour flavour = settings.flavours().of(sql.flavour());
            if (reached != null && reached.flavour() != flavour.flavour()) {
                throw new NodeSqlException("the binlog archive of " + clusterId + " holds " + reached.flavour()
                        + " transactions but its writer " + writer.id() + " is " + flavour.flavour() + ": a cluster's"
                        + " archive cannot change flavour; give the new servers a cluster id of their own");
            }
            List<String> files = sql.rows("SHOW BINARY LOGS").stream().map(r -> r.get("Log_name")).toList();
            if (files.isEmpty()) {
                throw new NodeSqlException(writer.id() + " has no binary logs: enable log_bin to archive them");
            }
            ResumePoint.Choice choice = ResumePoint.choose(files, reached, file -> flavour.binlogStart(sql, file));
            if (choice.gap() != null) {
                gapOpen = true;
                lastProblem = "binlog archive of " + clusterId + " from " + writer.id() + ": " + choice.gap();
                listener.gap(writer.id(), lastProblem);
            }
            return new Start(choice.file(), flavour);
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
        var archived = store.archive(writer.id(), file);
        if (archived.isEmpty()) {
            LOG.debugf("binlog archive of %s: %s from %s adds nothing new", clusterId, file.getFileName(), writer.id());
            return;
        }
        SegmentIndex index = archived.get().index();
        BinlogScanner.Scan scan = archived.get().scan();
        backoff = RETRY;
        LOG.infof("binlog archive of %s: %s archived (%d transactions %s..%s, %d bytes%s)", clusterId,
                index.artifact(), index.transactions(), index.firstGtid(), index.lastGtid(), index.bytes(),
                scan.truncated() ? ", cut short after byte " + scan.completeEnd() : "");
        listener.archived(index);
        if (!index.problems().isEmpty()) {
            gapOpen = true;
            lastProblem = String.join("; ", index.problems());
            listener.gap(writer.id(), "binlog archive of " + clusterId + ", segment " + index.artifact() + ": "
                    + lastProblem);
        } else if (gapOpen) {
            gapOpen = false;
            listener.continuous(writer.id());
        }
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
     * (usually the one it is writing), each up to its last complete transaction.
     */
    public List<SegmentIndex> liveSegments() throws IOException {
        NodeSpec writer = streaming;
        if (writer == null || !Files.isDirectory(spoolOf(writer))) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(spoolOf(writer))) {
            return store.live(writer.id(), list.filter(Files::isRegularFile).sorted().toList());
        }
    }

}
