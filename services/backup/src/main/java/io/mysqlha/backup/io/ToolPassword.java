package io.mysqlha.backup.io;

import io.mysqlha.domain.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A client tool's password (mysqldump, mysqlbinlog, mysql and MariaDB's) in an option file of its own, readable by
 * this user only and removed when the tool is done: never on its command line ({@code ps}) nor in its environment
 * ({@code /proc/<pid>/environ}, and MySQL deprecates {@code MYSQL_PWD}). {@link #argument()} must be the tool's first.
 */
public final class ToolPassword implements AutoCloseable {
    private final Path file;

    private ToolPassword(Path file) {
        this.file = file;
    }

    /** Writes {@code password} to a new 0600 file in the JVM's temporary folder. */
    public static ToolPassword write(Secret password) throws IOException {
        return write(password, null);
    }

    /** The same in {@code dir} (null: the JVM's temporary folder). */
    public static ToolPassword write(Secret password, Path dir) throws IOException {
        var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        Path file = dir == null ? Files.createTempFile("mysqlha-client-", ".cnf", owner)
                : Files.createTempFile(dir, "mysqlha-client-", ".cnf", owner);
        try {
            Files.writeString(file, "[client]\npassword=\"" + escaped(password.reveal()) + "\"\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        file.toFile().deleteOnExit();
        return new ToolPassword(file);
    }

    /** Removed when {@code process} ends. */
    public void removeWhenDone(Process process) {
        process.onExit().whenComplete((p, e) -> close());
    }

    /** The option that makes the tool read it; the first of its command line. */
    public String argument() {
        return "--defaults-extra-file=" + file;
    }

    /** An option file's escapes: a backslash, a quote and line ends inside a double-quoted value. */
    static String escaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            org.jboss.logging.Logger.getLogger(ToolPassword.class).warnf("cannot remove %s (%s): it holds a"
                    + " password, readable by this user only; remove it", file, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "ToolPassword[" + file + "]";
    }
}
