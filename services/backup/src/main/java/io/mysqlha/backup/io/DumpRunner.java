package io.mysqlha.backup.io;

import io.mysqlha.backup.repository.BackupRepository;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeTlsSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One logical dump with the server's own tool ({@code mariadb-dump}; {@code mysqldump} for MySQL): a consistent
 * snapshot ({@code --single-transaction}) with the GTID position and binlog coordinates it is consistent with
 * ({@link BackupFlavour#dumpOptions()}), streamed through zstd or gzip into the repository. The password reaches the
 * tool in an option file of its own ({@link ToolPassword}), never on its command line or in its environment. The GTID position and coordinates are
 * read from the dump's own first and last bytes as they stream by. A tool that exits non-zero, or a repository
 * that fails, leaves no artefact and no manifest: the partial file is removed and the failure says why.
 */
public final class DumpRunner {
    /**
     * The coordinates come in the header, the GTID state in the header (mysqldump) or at the very end (mariadb-dump
     * prints it "later in the file"): this much of each end is looked into.
     */
    private static final int HEADER_BYTES = 64 * 1024;
    private static final int TAIL_BYTES = 128 * 1024;

    /** What the dump is of and where it goes. */
    public record Request(String clusterId, String backupId, String sourceNode, String host, int port,
                          DbCredentials credentials, NodeTlsSettings tls, Path caDir, String serverVersion,
                          Compression compression) {
        /** A dump with the tools' default TLS (preferred). */
        public Request(String clusterId, String backupId, String sourceNode, String host, int port,
                       DbCredentials credentials, String serverVersion, Compression compression) {
            this(clusterId, backupId, sourceNode, host, port, credentials, NodeTlsSettings.PREFERRED, null,
                    serverVersion, compression);
        }
    }

    /** Why a dump failed (its message says what to do). */
    public static final class DumpFailed extends Exception {
        public DumpFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final BackupRepository repository;
    private final BackupFlavour flavour;
    private final String tool;
    private final Clock clock;
    private final Duration timeout;

    public DumpRunner(BackupRepository repository, BackupFlavour flavour, Clock clock, Duration timeout) {
        this.repository = repository;
        this.flavour = flavour;
        this.tool = flavour.tools().dump();
        this.clock = clock;
        this.timeout = timeout;
    }

    /** The tool's version line ("mariadb-dump  Ver 10.19 Distrib 10.11.18-MariaDB"), for the manifest. */
    public String toolVersion() {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out.replaceAll("\\s+", " ");
        } catch (IOException e) {
            return tool + " (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return tool;
        }
    }

    /** Runs the dump; {@code progress} hears the compressed bytes written so far, now and then. */
    public Manifest dump(Request r, LongConsumer progress) throws DumpFailed {
        Instant started = clock.instant();
        String artifact = r.backupId() + r.compression().extension();
        ToolPassword password;
        try {
            password = ToolPassword.write(r.credentials().password());
        } catch (IOException e) {
            throw new DumpFailed("cannot write the dump's option file (" + e.getMessage() + ")", e);
        }
        List<String> command = new ArrayList<>(List.of(tool, password.argument(), "--host=" + r.host(),
                "--port=" + r.port(), "--user=" + r.credentials().user(), "--protocol=TCP"));
        command.addAll(r.tls().toolArguments(flavour.flavour(), r.caDir()));
        command.addAll(flavour.dumpOptions());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("MYSQL_PWD");
        Process process;
        try {
            process = pb.start();
            password.removeWhenDone(process);
        } catch (IOException e) {
            password.close();
            throw new DumpFailed("cannot start " + tool + " (" + e.getMessage() + "); install the server's client"
                    + " tools (" + flavour.toolPackage() + ") or set mysqlha.backup." + configName() + ".dump-tool", e);
        }
        StderrTail errors = StderrTail.of(process);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        java.util.ArrayDeque<byte[]> tail = new java.util.ArrayDeque<>();
        int tailBytes = 0;
        String sha;
        long bytes;
        try (BackupRepository.Artifact a = repository.create(r.clusterId(), artifact)) {
            try (InputStream in = process.getInputStream();
                 OutputStream gz = r.compression().compress(new NonClosing(a.out()))) {
                byte[] buf = new byte[64 * 1024];
                long reported = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (header.size() < HEADER_BYTES) {
                        header.write(buf, 0, Math.min(n, HEADER_BYTES - header.size()));
                    }
                    gz.write(buf, 0, n);
                    tail.addLast(java.util.Arrays.copyOf(buf, n));
                    tailBytes += n;
                    while (tailBytes - tail.peekFirst().length >= TAIL_BYTES) {
                        tailBytes -= tail.pollFirst().length;
                    }
                    if (a.bytes() - reported > 8 << 20) {
                        reported = a.bytes();
                        progress.accept(reported);
                    }
                }
            }
            int exit = waitFor(process);
            if (exit != 0) {
                throw new DumpFailed(tool + " exited with " + exit + " dumping " + r.sourceNode() + " ("
                        + r.host() + ":" + r.port() + "): " + errors.settle().last(2_000), null);
            }
            sha = a.commit(); // first: an encrypted artefact's last record is written at commit
            bytes = a.bytes();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new DumpFailed("writing the dump of " + r.sourceNode() + " to the repository failed ("
                    + e.getMessage() + "); nothing was kept", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DumpFailed("the dump of " + r.sourceNode() + " was interrupted; nothing was kept", e);
        }
        String text = header.toString(StandardCharsets.UTF_8);
        ByteArrayOutputStream end = new ByteArrayOutputStream();
        tail.forEach(chunk -> end.write(chunk, 0, chunk.length));
        BackupFlavour.DumpPosition at = flavour.position(text, end.toString(StandardCharsets.UTF_8));
        Manifest m = new Manifest(r.backupId(), r.clusterId(), r.sourceNode(), r.serverVersion(), at.gtid(),
                at.binlogFile(), at.binlogPosition(), started, clock.instant(), artifact, bytes, sha,
                r.compression().specName(), toolVersion(), Manifest.Status.COMPLETED, null, null, flavour.flavour());
        try {
            repository.write(m);
        } catch (IOException e) {
            throw new DumpFailed("the dump of " + r.sourceNode() + " is complete but its manifest could not be"
                    + " written (" + e.getMessage() + ")", e);
        }
        return m;
    }

    private String configName() {
        return flavour.flavour().name().toLowerCase(java.util.Locale.ROOT);
    }

    private int waitFor(Process process) throws InterruptedException, DumpFailed {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new DumpFailed(tool + " did not finish within " + timeout + "; raise mysqlha.backup.dump-timeout",
                    null);
        }
        return process.exitValue();
    }

    /** Lets the gzip stream finish without closing the artefact (its commit does). */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
