package io.mysqlha.testsupport.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks for secrets where none may be: every log file a test's services and tools wrote under a folder. What it
 * reports names the file and the secret's name, never the secret.
 */
public final class SecretLeaks {
    private SecretLeaks() {
    }

    /**
     * The logs ({@code *.log}) under {@code dir} that hold one of {@code secrets} (name to value), as "file: name";
     * empty when none does; throws when there is no log to read. Values shorter than 12 characters are refused: they would match ordinary words.
     */
    public static List<String> inLogs(Path dir, Map<String, String> secrets) {
        secrets.forEach((name, value) -> {
            if (value.length() < 12) {
                throw new IllegalArgumentException("secret " + name + " is too short to look for in logs");
            }
        });
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> logs = files.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".log")).toList();
            if (logs.isEmpty()) {
                throw new IllegalStateException("no log under " + dir + ": nothing would be checked");
            }
            for (Path f : logs) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                secrets.forEach((name, value) -> {
                    if (text.contains(value)) {
                        found.add(dir.relativize(f) + ": " + name);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the logs under " + dir, e);
        }
        return found;
    }

    /**
     * The processes this JVM started, and theirs (the services and the tools they run: mysqldump, mysqlbinlog...),
     * whose command line ({@code /proc/<pid>/cmdline}) or environment ({@code /proc/<pid>/environ}) holds one of
     * {@code secrets} or a {@code MYSQL_PWD}, as "pid command: where name"; empty when none does. {@code tool} must
     * name one of them (e.g. "binlog"): the check refuses to pass when no such process runs to be read.
     */
    public static List<String> inProcesses(String tool, Map<String, String> secrets) {
        List<ProcessHandle> all = ProcessHandle.current().descendants().toList();
        if (all.stream().noneMatch(p -> p.info().commandLine().orElse("").contains(tool))) {
            throw new IllegalStateException("no process of " + tool + " runs: nothing would be checked");
        }
        List<String> found = new ArrayList<>();
        for (ProcessHandle p : all) {
            String command = p.info().command().orElse("?");
            String cmdline;
            String environ;
            try {
                cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8);
                environ = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                continue; // it ended meanwhile
            }
            String who = p.pid() + " " + command.substring(command.lastIndexOf('/') + 1);
            if (("\0" + environ).contains("\0MYSQL_PWD=")) {
                found.add(who + ": environment MYSQL_PWD");
            }
            secrets.forEach((name, value) -> {
                if (cmdline.contains(value)) {
                    found.add(who + ": command line " + name);
                }
                if (environ.contains(value)) {
                    found.add(who + ": environment " + name);
                }
            });
        }
        return found;
    }

    /** The secrets every test suite holds: the API tokens. */
    public static Map<String, String> apiTokens() {
        return Map.of("operator token", Secrets.OPERATOR_TOKEN, "viewer token", Secrets.VIEWER_TOKEN);
    }
}
