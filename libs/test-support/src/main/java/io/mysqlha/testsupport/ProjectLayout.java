package io.mysqlha.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's own files are, for tests (any module's directory) and for the launcher. */
public final class ProjectLayout {
    private ProjectLayout() {
    }

    public static Path root() {
        String configured = System.getProperty("build.project.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.isDirectory(p.resolve("infra/kafka-dist"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the mysqlha project root above " + dir
                + "; set -Dbuild.project.root");
    }

    /** The broker's class path, built by {@code ./mvnw -pl infra/kafka-dist package}. */
    public static Path kafkaLibs() {
        Path libs = root().resolve("infra/kafka-dist/target/kafka-libs");
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException(libs + " is missing: build it with ./mvnw -B -pl infra/kafka-dist package");
        }
        return libs;
    }

    /** The java executable of this JVM (the project needs 21 or newer, which this JVM already is). */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
