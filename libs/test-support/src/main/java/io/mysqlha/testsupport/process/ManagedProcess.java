package io.mysqlha.testsupport.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process with its output in a log file, and the signals fault injection needs: kill -9, SIGTERM with a
 * deadline, SIGSTOP (alive but unresponsive) and SIGCONT.
 */
public final class ManagedProcess {
    /** Whether the process dies with the JVM that started it (tests) or outlives it (the local launcher). */
    public enum Ownership {
        TEST,
        DETACHED
    }

    private final String label;
    private final ProcessHandle handle;
    private final Path log;
    private final Ownership ownership;

    private ManagedProcess(String label, ProcessHandle handle, Path log, Ownership ownership) {
        this.label = label;
        this.handle = handle;
        this.log = log;
        this.ownership = ownership;
    }

    public static ManagedProcess start(String label, List<String> command, Path workDir, Path log,
                                       Ownership ownership) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process process = pb.start();
            ManagedProcess managed = new ManagedProcess(label, process.toHandle(), log, ownership);
            if (ownership == Ownership.TEST) {
                ProcessRegistry.register(managed);
            }
            return managed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + label + " (" + command.getFirst() + "): " + e.getMessage(), e);
        }
    }

    /** Adopts a running process by pid, e.g. one an earlier launcher run left running. */
    public static ManagedProcess adopt(String label, long pid, Path log) {
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(label + ": no pid " + pid));
        return new ManagedProcess(label, h, log, Ownership.DETACHED);
    }

    public String label() {
        return label;
    }

    public long pid() {
        return handle.pid();
    }

    ProcessHandle handle() {
        return handle;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** kill -9 of the process and anything it spawned (e.g. a Galera SST's rsync). */
    public void kill() {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        if (handle.isAlive()) {
            signal(handle.pid(), "CONT"); // a frozen process must not keep its port after SIGKILL is queued
            handle.destroyForcibly();
        }
        awaitExit(Duration.ofSeconds(10));
        done();
    }

    /** SIGTERM, then kill -9 when it has not exited within the grace period. */
    public void terminate(Duration grace) {
        if (handle.isAlive()) {
            signal(handle.pid(), "CONT");
            handle.destroy();
            if (!awaitExit(grace)) {
                kill();
                return;
            }
        }
        done();
    }

    /** SIGSTOP: the process keeps its sockets open but answers nothing, like a hung server. */
    public void freeze() {
        signal(handle.pid(), "STOP");
    }

    public void thaw() {
        signal(handle.pid(), "CONT");
    }

    public boolean awaitExit(Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        }
    }

    /** The last lines of the process's log, for error messages that say why it failed. */
    public String tail(int lines) {
        return tailOf(log, lines);
    }

    /** What was appended to a log after {@code offset}: the part written by the latest start. */
    public static String since(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return offset >= all.length ? "" : new String(all, (int) offset, all.length - (int) offset,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    public static String tailOf(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    private void done() {
        if (ownership == Ownership.TEST) {
            ProcessRegistry.unregister(this);
        }
    }

    static void signal(long pid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal + " to " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + handle.pid() + ")";
    }
}
