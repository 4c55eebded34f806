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

    /** The secrets every test suite holds: the API tokens. */
    public static Map<String, String> apiTokens() {
        return Map.of("operator token", Secrets.OPERATOR_TOKEN, "viewer token", Secrets.VIEWER_TOKEN);
    }
}
