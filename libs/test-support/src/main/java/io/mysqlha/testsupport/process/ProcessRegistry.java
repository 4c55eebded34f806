package io.mysqlha.testsupport.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure no process a test started outlives the test run: each child is recorded in a pid file; a shutdown
 * hook kills this JVM's children; and at first use, children of earlier JVMs that died without running their
 * hook (kill -9, a crashed fork) are reaped. A pid is only killed when its start time still matches, so a
 * recycled pid is never hit.
 */
public final class ProcessRegistry {
    private static final System.Logger LOG = System.getLogger(ProcessRegistry.class.getName());
    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "mysqlha-processes");
    private static final Map<Long, ManagedProcess> OWN = new ConcurrentHashMap<>();
    private static volatile boolean initialised;

    private ProcessRegistry() {
    }

    static synchronized void register(ManagedProcess process) {
        init();
        ProcessHandle self = ProcessHandle.current();
        Properties p = new Properties();
        p.setProperty("owner", Long.toString(self.pid()));
        p.setProperty("ownerStart", startOf(self).map(Instant::toString).orElse(""));
        p.setProperty("start", startOf(process.handle()).map(Instant::toString).orElse(""));
        p.setProperty("label", process.label());
        try (var out = Files.newBufferedWriter(DIR.resolve(Long.toString(process.pid())))) {
            p.store(out, "started by a mysqlha test JVM; reaped when that JVM is gone");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record pid " + process.pid() + " in " + DIR, e);
        }
        OWN.put(process.pid(), process);
    }

    static void unregister(ManagedProcess process) {
        OWN.remove(process.pid());
        try {
            Files.deleteIfExists(DIR.resolve(Long.toString(process.pid())));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete pid file of " + process.label() + ": " + e);
        }
    }

    private static void init() {
        if (initialised) {
            return;
        }
        initialised = true;
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + DIR, e);
        }
        reapOrphans();
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::killOwn, "mysqlha-process-cleanup"));
    }

    private static void killOwn() {
        List<ManagedProcess> own = new ArrayList<>(OWN.values());
        for (ManagedProcess p : own) {
            p.kill();
        }
    }

    /** Kills processes whose owning JVM is gone. Returns how many it killed. */
    public static int reapOrphans() {
        int killed = 0;
        if (!Files.isDirectory(DIR)) {
            return 0;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(DIR)) {
            for (Path file : files) {
                killed += reap(file) ? 1 : 0;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list " + DIR + ": " + e);
        }
        return killed;
    }

    private static boolean reap(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            return false;
        }
        if (alive(p.getProperty("owner"), p.getProperty("ownerStart"))) {
            return false;
        }
        boolean killed = false;
        Optional<ProcessHandle> child = handleIfSame(file.getFileName().toString(), p.getProperty("start"));
        if (child.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "reaping " + p.getProperty("label") + " (pid " + child.get().pid()
                    + ") left behind by a test JVM that is gone");
            child.get().descendants().forEach(ProcessHandle::destroyForcibly);
            ManagedProcess.signal(child.get().pid(), "CONT");
            child.get().destroyForcibly();
            killed = true;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // another JVM reaped it at the same moment
        }
        return killed;
    }

    private static boolean alive(String pid, String start) {
        return handleIfSame(pid, start).isPresent();
    }

    private static Optional<ProcessHandle> handleIfSame(String pid, String start) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
                    .filter(h -> startOf(h).map(Instant::toString).orElse("").equals(start));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Optional<Instant> startOf(ProcessHandle h) {
        return h.info().startInstant();
    }
}
