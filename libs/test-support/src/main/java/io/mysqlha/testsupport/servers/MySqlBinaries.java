package io.mysqlha.testsupport.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian sid's MySQL 9.7 and MySQL Router 9.7, in the root of their own that infra/lib/common.sh's
 * {@code ensure_mysql} makes (under ~/.cache/mysqlha/mysql-sid, or MYSQLHA_MYSQL_ROOT): they are built for a newer C
 * library than the machine's, so each runs through that root's dynamic loader with its libraries, and paths stay
 * the host's.
 */
public final class MySqlBinaries {
    public static final String INSTALL_HINT = "install it with infra/ci/install-prereqs.sh (MySQL 9.7 from Debian sid,"
            + " in a root of its own under ~/.cache/mysqlha/mysql-sid)";

    private MySqlBinaries() {
    }

    /** The root the programs live in. */
    public static Path root() {
        String configured = System.getenv("MYSQLHA_MYSQL_ROOT");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mysqlha/mysql-sid");
    }

    /** Whether MySQL is installed (tests that need it fail with {@link #INSTALL_HINT} when it is not). */
    public static boolean installed() {
        return Files.exists(root().resolve(".complete")) && Files.isExecutable(root().resolve("usr/sbin/mysqld"));
    }

    /** The command running {@code program} (mysqld, mysql, mysqlbinlog, mysqlrouter...) with {@code args}. */
    public static List<String> command(String program, String... args) {
        Path root = root();
        if (!installed()) {
            throw new IllegalStateException("MySQL 9.7 is not installed in " + root + ": " + INSTALL_HINT);
        }
        Path path = root.resolve("usr/bin").resolve(program);
        if (!Files.isExecutable(path)) {
            path = root.resolve("usr/sbin").resolve(program);
        }
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(program + " is not in " + root + ": " + INSTALL_HINT);
        }
        List<String> cmd = new ArrayList<>(List.of(root.resolve("lib64/ld-linux-x86-64.so.2").toString(),
                "--library-path", root.resolve("usr/lib/x86_64-linux-gnu") + ":" + root.resolve("lib/x86_64-linux-gnu")
                        + ":" + root.resolve("usr/lib/mysql-router"), // MySQL Router's own libraries
                path.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The server's settings that point it at the root's shared files (messages, plugins, character sets). */
    public static List<String> serverPaths() {
        Path root = root();
        return List.of("--basedir=" + root.resolve("usr"), "--lc-messages-dir=" + root.resolve("usr/share/mysql"),
                "--plugin-dir=" + root.resolve("usr/lib/mysql/plugin"),
                "--character-sets-dir=" + root.resolve("usr/share/mysql/charsets"));
    }

    /**
     * Where the clients find their loadable plugins: Debian's MySQL 9.7 client has mysql_native_password (what
     * MariaDB servers ask for) only as a plugin file, which it looks for under /usr/lib/mysql/plugin by default.
     */
    public static String clientPluginDir() {
        return "--plugin-dir=" + root().resolve("usr/lib/mysql/plugin");
    }

    /**
     * A shell script in {@code dir} that runs {@code program} with the root's loader, {@code args} and then its own
     * arguments:
     * for tools that take a program's path (a driver matrix, a benchmark).
     */
    public static Path wrapper(String program, Path dir, String... args) throws java.io.IOException {
        return write(dir.resolve(program), command(program, args), List.of("\"$@\""));
    }

    /**
     * A shell script in {@code dir} that runs {@code mysqld} with its own arguments first (a {@code --defaults-file}
     * must be the first), then {@link #serverPaths()}: for programs that start servers by their path.
     */
    public static Path serverWrapper(Path dir) throws java.io.IOException {
        List<String> quoted = serverPaths().stream().map(MySqlBinaries::quote).toList();
        List<String> tail = new ArrayList<>(List.of("\"$@\""));
        tail.addAll(quoted);
        return write(dir.resolve("mysqld"), command("mysqld"), tail);
    }

    private static Path write(Path script, List<String> command, List<String> tail) throws java.io.IOException {
        StringBuilder line = new StringBuilder("#!/bin/sh\nexec");
        for (String part : command) {
            line.append(' ').append(quote(part));
        }
        for (String part : tail) {
            line.append(' ').append(part);
        }
        java.nio.file.Files.writeString(script, line.append('\n').toString());
        script.toFile().setExecutable(true);
        return script;
    }

    private static String quote(String part) {
        return "'" + part.replace("'", "'\\''") + "'";
    }
}
