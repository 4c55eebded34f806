package io.mysqlha.backup.io;

import io.mysqlha.backup.TestFlavours;
import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.domain.Secret;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.process.ManagedProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full disk and a source killed mid-dump: a clear failure, the partial artefact gone, older backups untouched. */
class DumpFailuresIT {
    private static final DbCredentials ADMIN = new DbCredentials(DbUsers.LOCAL.admin().name(),
            Secret.of(DbUsers.LOCAL.admin().password().reveal()));

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    @Test
    void aFullDiskFailsTheDumpSaysSoAndLeavesOlderBackupsAlone() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            System.out.println("SKIPPED aFullDiskFailsTheDump...: a full disk is made with a 256 KiB tmpfs mount,"
                    + " which needs root; this run is not root (CI runs as root and runs it)");
            return;
        }
        ReplicationTopology t = SharedInfra.replicationTopology();
        Path mount = SharedInfra.dir("full-disk");
        run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString());
        try {
            LocalRepository repo = new LocalRepository(mount);
            try (var older = repo.create("full", "older.sql.zst")) {
                older.out().write(new byte[1000]);
                older.commit();
            }
            var replica = t.replicas().getFirst();
            DumpRunner runner = new DumpRunner(repo, TestFlavours.mariadb(), Clock.systemUTC(), Duration.ofMinutes(2));
            DumpRunner.DumpFailed e = assertThrows(DumpRunner.DumpFailed.class, () -> runner.dump(
                    new DumpRunner.Request("full", "b-full", replica.name(), replica.host(), replica.port(), ADMIN,
                            "10.11", Compression.NONE), b -> { }));
            System.out.println("full disk: " + e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("nothing was kept"),
                    e.getMessage());
            assertEquals(List.of("older.sql.zst"), files(mount.resolve("full")), "no partial file, the older one kept");
            assertEquals(1000, Files.size(mount.resolve("full/older.sql.zst")));
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void aSourceKilledMidDumpFailsItAndLeavesNothing() throws Exception {
        MariaDbNode source = new MariaDbNode("dump-source", FreePorts.next(), 91, SharedInfra.dir("dump-source"),
                Map.of("log-bin", "mysql-bin"), ManagedProcess.Ownership.TEST);
        source.initialise();
        source.start();
        try {
            source.runAsRoot(DbUsers.LOCAL.createStatements());
            try (Connection c = source.connect(DbUsers.LOCAL.admin())) {
                Sql.execute(c, "CREATE DATABASE big", "USE big", "CREATE TABLE big.t (id INT PRIMARY KEY, v VARCHAR(200))",
                        "INSERT INTO big.t SELECT seq, REPEAT(MD5(seq), 3) FROM seq_1_to_400000");
            }
            Path root = SharedInfra.dir("dump-source-repo");
            LocalRepository repo = new LocalRepository(root);
            DumpRunner runner = new DumpRunner(repo, TestFlavours.mariadb(), Clock.systemUTC(), Duration.ofMinutes(2));
            CompletableFuture<Object> dump = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.dump(new DumpRunner.Request("gone", "b-gone", source.name(), source.host(),
                            source.port(), ADMIN, "10.11", Compression.NONE), b -> { });
                } catch (DumpRunner.DumpFailed e) {
                    return e;
                }
            });
            Path folder = root.resolve("gone");
            Waits.until("the dump half way (a partial artefact over 2 MiB)", Duration.ofSeconds(60), () -> {
                if (dump.isDone()) {
                    throw new AssertionError("the dump finished before the source could be killed: " + dump.get());
                }
                try (Stream<Path> s = Files.list(folder)) {
                    return s.anyMatch(p -> p.getFileName().toString().startsWith(".partial-")
                            && p.toFile().length() > 2 << 20);
                }
            });
            source.kill();
            Object outcome;
            try {
                outcome = dump.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
            DumpRunner.DumpFailed failed = assertInstanceOf(DumpRunner.DumpFailed.class, outcome);
            System.out.println("source killed mid-dump: " + failed.getMessage());
            assertTrue(failed.getMessage().contains("exited with") && failed.getMessage().contains("dump-source"),
                    failed.getMessage());
            assertEquals(List.of(), files(folder), "no artefact, no partial file, no manifest");
        } finally {
            source.stop();
        }
    }
}
