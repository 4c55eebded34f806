package io.mysqlha.backup.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away server of the dump's flavour ({@code mariadbd}, {@code mysqld}) for verifying a dump: its own
 * datadir under the scratch folder, no network (a unix socket only, so it can never collide with a port or be
 * reached from outside), no binlog, passwordless root on its socket. Started, used, stopped by its PID and
 * deleted. When the service runs as root, a MariaDB server runs as the {@code mysql} user, which must be able to
 * reach the scratch folder.
 */
public final class ScratchServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final Process process;
    private final String client;

    private ScratchServer(Path dir, Process process, String client) {
        this.dir = dir;
        this.process = process;
        this.client = client;
    }

    public static ScratchServer start(Path parent, BackupFlavour flavour) throws IOException, InterruptedException {
        String client = flavour.tools().client();
        Path dir = parent.toAbsolutePath().resolve("verify-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("tmp"));
        Path cnf = dir.resolve("my.cnf");
        List<String> settings = new ArrayList<>(List.of("[mysqld]", "datadir=" + dir.resolve("data"),
                "socket=" + dir.resolve("s.sock"), "pid-file=" + dir.resolve("mysqld.pid"),
                "log-error=" + dir.resolve("error.log"), "tmpdir=" + dir.resolve("tmp"), "skip-networking",
                "skip-log-bin", "innodb-buffer-pool-size=128M"));
        settings.addAll(flavour.scratchSettings(dir));
        Files.writeString(cnf, String.join("\n", settings) + "\n");
        String user = "root".equals(System.getProperty("user.name")) ? flavour.serverUser() : null;
        if (user != null && !user.equals("root")) {
            chown(dir, user);
        }
        List<String> install = new ArrayList<>(flavour.initialize(cnf, dir));
        List<String> server = new ArrayList<>(List.of(locate(flavour.tools().server()), "--defaults-file=" + cnf));
        if (user != null) {
            install.add("--user=" + user);
            server.add("--user=" + user);
        }
        run(install, dir.resolve("install-db.log"), dir, flavour);
        Process p = new ProcessBuilder(server).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        ScratchServer s = new ScratchServer(dir, p, client);
        try {
            s.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The client arguments that reach this server (root on its socket). */
    public List<String> clientArgs() {
        return List.of("--socket=" + dir.resolve("s.sock"), "--user=root");
    }

    public Path dir() {
        return dir;
    }

    private void awaitReady() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the scratch server exited with " + process.exitValue() + " while starting; see "
                        + dir.resolve("error.log") + ": " + tail(dir.resolve("error.log")));
            }
            Process ping = new ProcessBuilder(client, "--socket=" + dir.resolve("s.sock"), "--user=root",
                    "--connect-timeout=2", "-e", "SELECT 1").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (ping.waitFor(10, TimeUnit.SECONDS) && ping.exitValue() == 0) {
                return;
            }
            ping.destroyForcibly();
            Thread.sleep(200); // polling the server's socket until it answers, with the deadline above
        }
        throw new IOException("the scratch server did not accept connections within " + START_TIMEOUT.toSeconds()
                + " s; see " + dir.resolve("error.log"));
    }

    /** Runs a statement as root and returns its output rows, tab-separated columns (no headers). */
    public List<String[]> query(String sql) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(client));
        cmd.addAll(clientArgs());
        cmd.addAll(List.of("-N", "-B", "-e", sql));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("the scratch server refused a query: " + out.strip());
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    /** A bare server name is looked up on the PATH, then in /usr/sbin (where Debian puts mariadbd, off most PATHs). */
    static String locate(String binary) {
        if (binary.contains("/")) {
            return binary;
        }
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return Path.of(dir, binary).toString();
            }
        }
        return binary;
    }

    private static void run(List<String> cmd, Path log, Path dir, BackupFlavour flavour)
            throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start " + cmd.getFirst() + " (" + e.getMessage() + "); install "
                    + flavour.toolPackage() + " or set mysqlha.backup." + flavour.flavour().name().toLowerCase()
                    + ".install-db-tool / server-binary", e);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(cmd.getFirst() + " could not create the scratch datadir in " + dir + ": " + tail(log)
                    + " " + tail(dir.resolve("error.log")));
        }
    }

    private static void chown(Path dir, String user) throws IOException {
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setOwner(p, owner);
            }
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log).strip();
            return s.length() > 1_000 ? s.substring(s.length() - 1_000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Stops the server by its PID (TERM, then KILL after 30 s) and removes its datadir. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
