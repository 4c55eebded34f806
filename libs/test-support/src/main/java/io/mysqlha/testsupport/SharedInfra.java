package io.mysqlha.testsupport;

import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.kafka.KafkaBroker;
import io.mysqlha.testsupport.servers.GaleraCluster;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.ReplicationTopology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One broker, one replication topology and one Galera cluster per test JVM, started on first use and stopped
 * when the JVM exits, so a module's tests share them instead of paying the start-up each time. Tests that
 * inject faults restore what they broke, or use their own instance.
 */
public final class SharedInfra {
    private static KafkaBroker kafka;
    private static ReplicationTopology topology;
    private static GaleraCluster galera;
    private static MySqlTopology mysql;
    private static Path root;

    private SharedInfra() {
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = KafkaBroker.startForTests(dir("kafka"));
            kafka.provisionTopics(Topics.defaults());
        }
        return kafka;
    }

    public static synchronized ReplicationTopology replicationTopology() {
        if (topology == null) {
            topology = ReplicationTopology.startForTests(dir("replication"), 2);
        }
        return topology;
    }

    /** A MySQL 9.7 primary and two replicas (GTID, lossless semi-sync). */
    public static synchronized MySqlTopology mysqlTopology() {
        if (mysql == null) {
            mysql = MySqlTopology.startForTests(dir("mysql"), 2);
        }
        return mysql;
    }

    public static synchronized GaleraCluster galera() {
        if (galera == null) {
            galera = GaleraCluster.startForTests(dir("galera"), 3);
        }
        return galera;
    }

    /** A fresh directory for a test's own servers, removed when the JVM exits. */
    public static synchronized Path dir(String name) {
        try {
            if (root == null) {
                // Under /tmp: mariadbd runs as the mysql user, which must reach its datadir, and unix socket
                // paths must stay short.
                root = traversable(Files.createTempDirectory("mysqlha-it-"));
                Runtime.getRuntime().addShutdownHook(new Thread(SharedInfra::shutdown, "mysqlha-shared-infra"));
            }
            return traversable(Files.createTempDirectory(root, name + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Temporary directories are 0700; mariadbd runs as the mysql user and must reach its datadir below. */
    private static Path traversable(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static void shutdown() {
        try {
            if (galera != null) {
                galera.close();
            }
            if (topology != null) {
                topology.close();
            }
            if (mysql != null) {
                mysql.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            deleteTree(root);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftovers in /tmp are harmless; processes are what must not be left
        }
    }
}
