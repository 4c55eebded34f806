package io.mysqlha.backup.io;

import io.mysqlha.backup.binlog.BinlogScanner;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.repository.BackupRepository;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.Secret;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Carries out a restore plan on a target server with the server's own tools (the dump's flavour's): the dump
 * decompressed into the command-line client, then each archived segment's transactions after the dump and before
 * the point through {@code mariadb-binlog} / {@code mysqlbinlog --start-position --stop-position} (byte ranges
 * found by scanning the segment) into the client. Every artefact's checksum is checked before anything is loaded: a corrupted one is reported, never
 * restored. The target's password reaches the client in its environment, never on a command line.
 */
public final class Restorer {

    /** The server to restore into: how the client reaches it, and its password (null: none needed). */
    public record Target(String description, List<String> clientArgs, Secret password) {
    }

    public record Result(String backupId, int segments, long transactions, String lastGtid, long millis) {
    }

    public static final class RestoreFailed extends Exception {
        public RestoreFailed(String message) {
            super(message);
        }
    }

    private final BackupRepository repository;
    private final BackupFlavour.Choice flavours;
    private final Path scratch;
    private final Duration timeout;
    private final Clock clock;

    public Restorer(BackupRepository repository, BackupFlavour.Choice flavours, Path scratch, Duration timeout,
                    Clock clock) {
        this.repository = repository;
        this.flavours = flavours;
        this.scratch = scratch;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** {@code progress} hears each phase as it begins. */
    public Result restore(RestorePlanner.Plan plan, Target target, Consumer<String> progress)
            throws RestoreFailed, InterruptedException {
        Instant started = clock.instant();
        BackupFlavour flavour = flavours.of(plan.dump().flavour());
        Path work = null; // what the repository decrypts (or downloads) for this restore, removed after it
        try {
            Files.createDirectories(scratch);
            work = Files.createTempDirectory(scratch, "restore-");
            ToolPassword password = target.password() == null ? null : ToolPassword.write(target.password(), work);
            String problem = repository.verify(plan.dump());
            if (problem != null) {
                throw new RestoreFailed("dump " + plan.dump().backupId() + ": " + problem);
            }
            for (SegmentIndex s : plan.segments()) {
                problem = s.sha256() == null ? null : repository.verify(s);
                if (problem != null) {
                    throw new RestoreFailed("binlog segment " + s.artifact() + ": " + problem);
                }
            }
            progress.accept("loading dump " + plan.dump().backupId() + " (" + plan.dump().bytes() + " bytes "
                    + plan.dump().compression() + ") into " + target.description());
            Compression compression = Compression.of(plan.dump().compression());
            try (InputStream in = compression.decompress(Files.newInputStream(
                    repository.localFile(plan.dump(), work)))) {
                load(List.of(client(flavour, target, password)), target, in, "the dump " + plan.dump().backupId(), flavour);
            }
            long transactions = 0;
            String last = plan.after() == null ? "" : plan.after().toString();
            int applied = 0;
            for (SegmentIndex s : plan.segments()) {
                Path file = s.sha256() == null ? Path.of(s.artifact()) : repository.localFile(s, work);
                if (s.sha256() == null && !Files.exists(file)) {
                    throw new RestoreFailed("the writer's binlog " + s.file() + " was archived while this restore"
                            + " ran (it was live when planned); run the restore again: it will read the archived"
                            + " segment");
                }
                List<long[]> ranges = new ArrayList<>();
                List<String> gtids = new ArrayList<>();
                BinlogScanner.scan(file, tx -> {
                    if (tx.start() >= s.startOffset() && tx.end() <= s.endOffset() && plan.replays(tx)) {
                        if (!ranges.isEmpty() && ranges.getLast()[1] == tx.start()) {
                            ranges.getLast()[1] = tx.end();
                        } else {
                            ranges.add(new long[]{tx.start(), tx.end()});
                        }
                        gtids.add(tx.gtid());
                    }
                });
                if (gtids.isEmpty()) {
                    continue;
                }
                progress.accept("replaying " + gtids.size() + " transactions " + gtids.getFirst() + ".."
                        + gtids.getLast() + " from " + s.artifact());
                for (long[] r : ranges) {
                    ProcessBuilder binlog = new ProcessBuilder(flavour.tools().binlog(), "--start-position=" + r[0],
                            "--stop-position=" + r[1], file.toString());
                    load(List.of(binlog, client(flavour, target, password)), target, InputStream.nullInputStream(),
                            "the transactions of " + s.artifact(), flavour);
                }
                transactions += gtids.size();
                last = gtids.getLast();
                applied++;
            }
            return new Result(plan.dump().backupId(), applied, transactions, last,
                    Duration.between(started, clock.instant()).toMillis());
        } catch (IOException e) {
            throw new RestoreFailed("restore into " + target.description() + " failed: " + e.getMessage());
        } finally {
            removeAll(work);
        }
    }

    private static void removeAll(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            org.jboss.logging.Logger.getLogger(Restorer.class).warnf("a restore's scratch folder %s could not be"
                    + " removed (%s): it may hold decrypted backups; remove it", dir, e.getMessage());
        }
    }

    private static ProcessBuilder client(BackupFlavour flavour, Target target, ToolPassword password) {
        List<String> cmd = new ArrayList<>(List.of(flavour.tools().client()));
        if (password != null) {
            cmd.add(password.argument()); // the first option; removed with the restore's folder
        }
        cmd.addAll(target.clientArgs());
        cmd.add("--binary-mode");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("MYSQL_PWD");
        return pb;
    }

    /** Runs a pipeline whose last stage is the client, feeding {@code input} to its first stage. */
    private void load(List<ProcessBuilder> stages, Target target, InputStream input, String what,
                      BackupFlavour flavour) throws IOException, RestoreFailed, InterruptedException {
        List<ProcessBuilder> pipeline = new ArrayList<>(stages);
        pipeline.getLast().redirectOutput(ProcessBuilder.Redirect.DISCARD);
        List<Process> processes;
        try {
            processes = ProcessBuilder.startPipeline(pipeline);
        } catch (IOException e) {
            throw new RestoreFailed("cannot start " + pipeline.stream().map(p -> p.command().getFirst()).toList()
                    + " (" + e.getMessage() + "); install " + flavour.toolPackage() + " or set mysqlha.backup."
                    + flavour.flavour().name().toLowerCase(java.util.Locale.ROOT) + ".client-tool / binlog-tool");
        }
        List<StderrTail> errors = processes.stream().map(StderrTail::of).toList();
        try (OutputStream stdin = processes.getFirst().getOutputStream()) {
            input.transferTo(stdin);
        } catch (IOException e) {
            // the client stopped reading: it refused the input, its exit code and stderr say why
        }
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                processes.forEach(Process::destroyForcibly);
                throw new RestoreFailed("loading " + what + " into " + target.description() + " did not finish within "
                        + timeout + "; raise mysqlha.backup.dump-timeout");
            }
            if (p.exitValue() != 0) {
                throw new RestoreFailed(target.description() + " refused " + what + ": "
                        + pipeline.get(i).command().getFirst() + " exited with " + p.exitValue() + ": "
                        + errors.get(i).settle().last(2_000));
            }
        }
    }
}
