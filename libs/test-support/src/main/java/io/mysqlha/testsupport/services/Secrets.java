package io.mysqlha.testsupport.services;

import io.mysqlha.testsupport.servers.DbUser;
import io.mysqlha.testsupport.servers.DbUsers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Secrets as the services read them (SecretResolver): one file per name, mode 0600, under the default names of a
 * cluster spec. Database credentials are {@code user=} and {@code password=} lines; the application users file has
 * one {@code user:password} per line.
 */
public final class Secrets {
    /** The API tokens of the tests' services (secret mysqlha-api-tokens): an operator's and a viewer's, per JVM. */
    public static final String OPERATOR = "it-operator";
    public static final String OPERATOR_TOKEN = java.util.UUID.randomUUID().toString();
    public static final String VIEWER = "it-viewer";
    public static final String VIEWER_TOKEN = java.util.UUID.randomUUID().toString();

    private Secrets() {
    }

    /** The API tokens secret's content: the tests' operator and viewer. */
    public static String apiTokens() {
        return OPERATOR + ":operator:" + OPERATOR_TOKEN + "\n" + VIEWER + ":viewer:" + VIEWER_TOKEN + "\n";
    }

    public static Path write(Path dir, DbUsers users) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            secret(dir, "mysqlha-monitor", credentials(users.monitor()));
            secret(dir, "mysqlha-replication", credentials(users.replication()));
            secret(dir, "mysqlha-admin", credentials(users.admin()));
            secret(dir, "mysqlha-app-users", users.app().name() + ":" + users.app().password().reveal() + "\n");
            if (!Files.exists(dir.resolve("mysqlha-api-tokens"))) { // tokens an operator (or up.sh) made stay
                secret(dir, "mysqlha-api-tokens", apiTokens());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secrets under " + dir, e);
        }
    }

    /** One more credentials secret beside those of {@link #write}: {@code name} holding {@code user}. */
    public static void put(Path dir, String name, DbUser user) {
        try {
            secret(dir, name, credentials(user));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret " + name + " under " + dir, e);
        }
    }

    /** A secret holding {@code content} as it is (a certificate, a CA). */
    public static void putText(Path dir, String name, String content) {
        try {
            secret(dir, name, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret " + name + " under " + dir, e);
        }
    }

    private static String credentials(DbUser user) {
        return "user=" + user.name() + "\npassword=" + user.password().reveal() + "\n";
    }

    private static void secret(Path dir, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
