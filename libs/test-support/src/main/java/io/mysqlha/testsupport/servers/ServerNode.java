package io.mysqlha.testsupport.servers;

import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.process.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real database server (MariaDB or MySQL: {@link MariaDbNode}, {@link MySqlNode}) with its own datadir, config
 * file and loopback port. Knows how to initialise, start, stop cleanly, and inject faults: kill -9, freeze (SIGSTOP)
 * and thaw. What differs between the servers (programs, config section, initialisation) is the subclass's.
 */
public abstract class ServerNode {
    private static final String READY = "ready for connections";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final int port;
    private final int serverId;
    private final Path dir;
    private final Map<String, String> config;
    private final ManagedProcess.Ownership ownership;
    private volatile ManagedProcess process;

    protected ServerNode(String name, int port, int serverId, Path dir, Map<String, String> extraConfig,
                         ManagedProcess.Ownership ownership) {
        this.name = name;
        this.port = port;
        this.serverId = serverId;
        this.dir = dir.toAbsolutePath();
        this.ownership = ownership;
        this.config = new LinkedHashMap<>(baseConfig());
        this.config.putAll(extraConfig);
    }

    public String name() {
        return name;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public int serverId() {
        return serverId;
    }

    public Path dir() {
        return dir;
    }

    public Path errorLog() {
        return dir.resolve("error.log");
    }

    public Path socket() {
        return dir.resolve("mysqld.sock");
    }

    public Path pidFile() {
        return dir.resolve("mysqld.pid");
    }

    public boolean isInitialised() {
        return Files.isDirectory(dir.resolve("data/mysql"));
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public ManagedProcess process() {
        return process;
    }

    private Map<String, String> baseConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("datadir", dir.resolve("data").toString());
        c.put("port", Integer.toString(port));
        c.put("bind-address", "127.0.0.1");
        c.put("socket", socket().toString());
        c.put("pid-file", pidFile().toString());
        c.put("log-error", errorLog().toString());
        c.put("tmpdir", dir.resolve("tmp").toString());
        c.put("server-id", Integer.toString(serverId));
        c.put("skip-name-resolve", "ON");
        c.put("innodb-buffer-pool-size", "64M");
        c.put("max-connections", "600");
        c.put("character-set-server", "utf8mb4");
        c.putAll(serverConfig());
        return c;
    }

    /** The server's own settings beside the common ones (paths, sizes, what differs in name or default). */
    protected abstract Map<String, String> serverConfig();

    /** The config file's section: {@code mariadbd} or {@code mysqld}. */
    protected abstract String configSection();

    /** The program's name, for labels and messages. */
    protected abstract String program();

    /** The command creating the datadir (with the config file written). */
    protected abstract List<String> initialiseCommand();

    /** The server with this node's config file and {@code extraArgs}. */
    public abstract List<String> serverCommand(String... extraArgs);

    /** The command-line client, as root over the unix socket, reading statements from its standard input. */
    protected abstract List<String> rootClientCommand();

    /** The server runs as the mysql user (when we are root), its directory owned by it. */
    protected abstract boolean runsAsMysqlUser();

    /** Creates the datadir, unless it exists already. */
    public void initialise() {
        if (isInitialised()) {
            return;
        }
        try {
            Files.createDirectories(dir.resolve("data")); // empty: MySQL's --initialize accepts no more
            Files.createDirectories(dir.resolve("tmp"));
            writeConfig();
            chownToMysql();
            run(initialiseCommand(), dir.resolve("install-db.log"), Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot initialise " + name + " in " + dir, e);
        }
    }

    /** Starts the server and waits until it accepts connections. */
    public synchronized void start(String... extraArgs) {
        if (isRunning()) {
            return;
        }
        try {
            writeConfig();
            chownToMysql();
            long logOffset = Files.exists(errorLog()) ? Files.size(errorLog()) : 0;
            process = ManagedProcess.start(program() + " " + name + " :" + port, serverCommand(extraArgs), dir,
                    dir.resolve("stdout.log"), ownership);
            awaitReady(logOffset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Adopts a server an earlier launcher run left running (its pid file names a live server of ours). */
    public boolean adoptIfRunning() {
        try {
            if (!Files.exists(pidFile())) {
                return false;
            }
            long pid = Long.parseLong(Files.readString(pidFile()).strip());
            var handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(program())).orElse(false));
            if (handle.isEmpty()) {
                return false;
            }
            process = ManagedProcess.adopt(program() + " " + name + " :" + port, pid, dir.resolve("stdout.log"));
            return true;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private void awaitReady(long logOffset) {
        Waits.until(name + " (port " + port + ") to accept connections", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(program() + " " + name + " exited:\n"
                        + ManagedProcess.tailOf(errorLog(), 25));
            }
            return ManagedProcess.since(errorLog(), logOffset).contains(READY);
        });
    }

    /** Clean shutdown (SIGTERM), kill -9 when it takes longer than 60 s. */
    public synchronized void stop() {
        if (process != null) {
            process.terminate(Duration.ofSeconds(60));
        }
    }

    /** kill -9: the crash a failover must handle. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** SIGSTOP: the server keeps its port open and answers nothing, as a hung server does. */
    public void freeze() {
        process.freeze();
    }

    public void thaw() {
        process.thaw();
    }

    /** This node as a cluster spec declares it (no zone, weight 1). */
    public io.mysqlha.domain.NodeSpec nodeSpec() {
        return new io.mysqlha.domain.NodeSpec(name, host(), port, null, null, null, null);
    }

    public Connection connect(DbUser user) throws SQLException {
        return Sql.connect(host(), port, user, 5_000, requiresTls());
    }

    /** Whether the server refuses logins in clear over TCP (started with TLS required). */
    public boolean requiresTls() {
        return "ON".equals(config.get(io.mysqlha.testsupport.tls.NodeCertificates.REQUIRE));
    }

    /** Runs SQL as root over the unix socket: how accounts are created before any exist. */
    public void runAsRoot(List<String> statements) {
        String script = String.join(";\n", statements) + ";\n";
        Path file = dir.resolve("tmp/bootstrap.sql");
        try {
            Files.writeString(file, script);
            run(rootClientCommand(), dir.resolve("bootstrap.log"), Duration.ofSeconds(60), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file); // it holds passwords
            } catch (IOException ignored) {
                // best effort: the directory is private to this run
            }
        }
    }

    private void writeConfig() throws IOException {
        StringBuilder sb = new StringBuilder("# written by mysqlha test support for ").append(name).append("\n[")
                .append(configSection()).append("]\n");
        config.forEach((k, v) -> sb.append(k).append(v == null ? "" : "=" + v).append('\n'));
        Files.writeString(dir.resolve("my.cnf"), sb.toString());
    }

    private void chownToMysql() throws IOException {
        if (runsAsMysqlUser() && MariaDbBinaries.runningAsRoot()) {
            run(List.of("chown", "-R", "mysql:mysql", dir.toString()), dir.resolve("chown.log"), Duration.ofSeconds(30));
        }
    }

    protected void run(List<String> cmd, Path log, Duration timeout) throws IOException {
        run(cmd, log, timeout, null);
    }

    private void run(List<String> cmd, Path log, Duration timeout, Path input) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process p = builder.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + ": " + cmd.getFirst() + " did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            // the program named, not the loader that runs it (MySQL's programs run through their root's loader)
            String program = cmd.stream().filter(a -> !a.startsWith("-") && !a.contains("ld-linux")
                    && !a.contains(":")).findFirst().orElse(cmd.getFirst());
            throw new IllegalStateException(name + ": " + program + " exited with " + p.exitValue() + ":\n"
                    + ManagedProcess.tailOf(log, 20) + (Files.exists(errorLog()) ? "\nits error log ends:\n"
                    + ManagedProcess.tailOf(errorLog(), 10) : ""));
        }
    }

    @Override
    public String toString() {
        return name + " (127.0.0.1:" + port + ")";
    }
}
