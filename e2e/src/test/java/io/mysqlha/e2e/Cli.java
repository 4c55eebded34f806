package io.mysqlha.e2e;

import io.mysqlha.testsupport.ProjectLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The operator's CLI as an operator runs it: the packaged jar, its own process, what it printed and its exit code. */
final class Cli {
    private Cli() {
    }

    record Ran(int exit, String out) {
    }

    /** The command line of {@code mysqlha <options> <args>} (the packaged jar on the project's JDK). */
    static List<String> command(List<String> options, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProjectLayout.java(), "-XX:TieredStopAtLevel=1", "-jar",
                ProjectLayout.root().resolve("tools/cli/target/mysqlha-cli.jar").toString()));
        cmd.addAll(options);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Runs {@code mysqlha <options> <args>} to its end (stdout and stderr together, input from /dev/null), stopped by
     * its pid when it takes longer than {@code patience}; {@code env}: variables to set, or (null value) to remove,
     * so a secret never goes on its command line. Prints the command and what it printed.
     */
    static Ran run(Path dir, List<String> options, Map<String, String> env, Duration patience, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = command(options, args);
        Path out = Files.createTempFile(dir, "cli-", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        env.forEach((name, value) -> {
            if (value == null) {
                pb.environment().remove(name);
            } else {
                pb.environment().put(name, value);
            }
        });
        Process p = pb.start();
        try {
            if (!p.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("mysqlha " + String.join(" ", args) + " did not end within "
                        + patience.toSeconds() + " s:\n" + Files.readString(out));
            }
        } finally {
            p.destroyForcibly();
        }
        Ran ran = new Ran(p.exitValue(), Files.readString(out));
        System.out.printf("$ mysqlha %s   (exit %d)%n%s", String.join(" ", args), ran.exit(), ran.out());
        return ran;
    }
}
