package io.mysqlha.backup.io;

import io.mysqlha.backup.TestFlavours;
import io.mysqlha.backup.binlog.BinlogArchiver;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.repository.EncryptedRepository;
import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.Secret;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeTlsSettings;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backups encrypted at rest, on a real MariaDB primary: a dump and the archived binlogs stored encrypted (no row of
 * the database readable in the repository, every file 0600, the key's id in each manifest and index), restored to
 * the last write through decryption, and refused with the id of the key they need when the key changed.
 */
class EncryptedBackupIT {
    private static final String CLUSTER = "enc";
    private static final String MARKER = "marker-that-must-not-be-stored-in-clear";

    @Test
    void encryptedDumpsAndBinlogsRestoreAndAreUnreadableWithoutTheirKey() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        Path work = SharedInfra.dir("encrypted-backup-it");
        DbCredentials admin = new DbCredentials(t.users().admin().name(),
                Secret.of(t.users().admin().password().reveal()));
        BackupKey key = BackupKey.parse("6b".repeat(32), "backup-key");
        BackupKey[] current = {key};
        EncryptedRepository repo = new EncryptedRepository(new LocalRepository(work.resolve("repo")), c -> current[0]);
        Vertx vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        BackupFlavour.Choice flavours = TestFlavours.choice(work);
        Restorer restorer = new Restorer(repo, flavours, work.resolve("scratch"), Duration.ofMinutes(10), clock);
        MariaDbNode primary = t.primary();
        try (BinlogArchiver archiver = new BinlogArchiver(CLUSTER, repo, new BinlogArchiver.Settings(flavours,
                4_000_000_021L, work.resolve("spool"), Duration.ofSeconds(5)), admin, NodeTlsSettings.PREFERRED, vertx,
                QUIET, clock);
             Connection c = primary.connect(t.users().admin())) {
            archiver.follow(new NodeSpec(primary.name(), primary.host(), primary.port(), null, null, null, null));
            archiver.start();
            Sql.execute(c, "CREATE DATABASE IF NOT EXISTS enc", "CREATE TABLE IF NOT EXISTS enc.t (id INT PRIMARY KEY,"
                    + " v VARCHAR(60))", "REPLACE INTO enc.t VALUES (1, 'before the dump')");
            Manifest m = new DumpRunner(repo, TestFlavours.mariadb(), clock, Duration.ofMinutes(5)).dump(
                    new DumpRunner.Request(CLUSTER, "b-enc-1", primary.name(), primary.host(), primary.port(), admin,
                            "10.11", Compression.NONE), b -> { });
            repo.write(m);
            Sql.execute(c, "REPLACE INTO enc.t VALUES (2, '" + MARKER + "')");
            String end = Sql.value(c, "SELECT @@gtid_binlog_pos").orElseThrow();
            Sql.execute(c, "FLUSH BINARY LOGS");
            Waits.until("the archive at " + end, Duration.ofSeconds(30), () -> {
                List<SegmentIndex> s = repo.segments(CLUSTER);
                return !s.isEmpty() && MariaDbGtidPosition.parse(s.getLast().reached())
                        .contains(MariaDbGtidPosition.parse(end));
            });

            Manifest stored = repo.manifest(CLUSTER, "b-enc-1").orElseThrow();
            assertEquals(key.id(), stored.encryptionKey());
            assertTrue(repo.segments(CLUSTER).stream().allMatch(s -> key.id().equals(s.encryptionKey())));
            assertEquals(null, repo.verify(stored), "checksums of the stored bytes need no key");
            try (Stream<Path> files = Files.walk(work.resolve("repo"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f
                            .toString());
                    byte[] bytes = Files.readAllBytes(f);
                    assertFalse(contains(bytes, MARKER.getBytes(StandardCharsets.US_ASCII)), f + " holds a row");
                    assertFalse(contains(bytes, "before the dump".getBytes(StandardCharsets.US_ASCII)), f.toString());
                    if (!f.toString().endsWith(".json")) {
                        assertTrue(new String(bytes, 0, 8, StandardCharsets.US_ASCII).equals("MHAENC1\n"), f.toString());
                    }
                }
            }

            RestorePlanner.Plan plan = (RestorePlanner.Plan) RestorePlanner.plan(repo.manifests(CLUSTER),
                    repo.segments(CLUSTER), new RestorePlanner.Point.AtGtid(end));
            try (ScratchServer target = ScratchServer.start(work, TestFlavours.mariadb())) {
                Restorer.Result r = restorer.restore(plan, new Restorer.Target("the target", target.clientArgs(), null),
                        phase -> { });
                assertEquals(MARKER, target.query("SELECT v FROM enc.t WHERE id = 2").getFirst()[0], r.toString());
            }
            try (Stream<Path> left = Files.list(work.resolve("scratch"))) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("restore-")).toList(),
                        "no decrypted copy left behind");
            }

            current[0] = BackupKey.parse("7c".repeat(32), "backup-key"); // the secret now holds another key
            Restorer.RestoreFailed refused = assertThrows(Restorer.RestoreFailed.class, () -> restorer.restore(plan,
                    new Restorer.Target("the target", List.of(), null), phase -> { }));
            System.out.println("with another key: " + refused.getMessage());
            assertTrue(refused.getMessage().contains("encrypted with key " + key.id()), refused.getMessage());
        }
    }

    private static final BinlogArchiver.Listener QUIET = new BinlogArchiver.Listener() {
        @Override
        public void archived(SegmentIndex segment) {
        }

        @Override
        public void gap(String nodeId, String summary) {
            throw new AssertionError(summary);
        }

        @Override
        public void continuous(String nodeId) {
        }
    };

    private static boolean contains(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
