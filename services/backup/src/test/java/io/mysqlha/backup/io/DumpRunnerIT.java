package io.mysqlha.backup.io;

import io.mysqlha.backup.TestFlavours;
import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.domain.Secret;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mariadb-dump of a real replica of the semi-sync topology into a real directory. */
class DumpRunnerIT {
    @TempDir
    Path repositoryDir;

    private static DbCredentials admin(ReplicationTopology t) {
        return new DbCredentials(t.users().admin().name(), Secret.of(t.users().admin().password().reveal()));
    }

    @Test
    void aReplicaIsDumpedWithItsGtidPositionIntoAChecksummedArtefact() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        String written;
        try (Connection c = t.primary().connect(t.users().admin())) {
            Sql.execute(c, "CREATE DATABASE IF NOT EXISTS dumped", "CREATE TABLE IF NOT EXISTS dumped.t (id INT PRIMARY"
                    + " KEY, v VARCHAR(20))", "REPLACE INTO dumped.t VALUES (1, 'one'), (2, 'two')");
            written = Sql.value(c, "SELECT @@gtid_binlog_pos").orElseThrow();
        }
        MariaDbNode replica = t.replicas().getFirst();
        try (Connection c = replica.connect(t.users().admin())) {
            assertEquals("0", Sql.value(c, "SELECT MASTER_GTID_WAIT('" + written + "', 30)").orElseThrow(),
                    "the replica applied the rows before it is dumped");
        }
        LocalRepository repo = new LocalRepository(repositoryDir);
        DumpRunner runner = new DumpRunner(repo, TestFlavours.mariadb(), Clock.systemUTC(), Duration.ofMinutes(5));
        Manifest m = runner.dump(new DumpRunner.Request("local", "b-it-1", replica.name(), "127.0.0.1",
                replica.port(), admin(t), "10.11", Compression.ZSTD), b -> { });
        System.out.printf("dump of %s: %d bytes compressed, GTID %s, %s:%d, %s%n", replica.name(), m.bytes(),
                m.gtidPosition(), m.binlogFile(), m.binlogPosition(), m.tool());
        assertEquals(Manifest.Status.COMPLETED, m.status());
        assertTrue(m.gtidPosition() != null && !m.gtidPosition().isEmpty(), "the dump's GTID position");
        assertTrue(m.binlogFile() != null && m.binlogPosition() > 0, "its binlog coordinates");
        assertTrue(m.tool().contains("mariadb-dump"), m.tool());
        assertNull(repo.verify(m), "the artefact matches its checksum");
        assertEquals(m, repo.manifest("local", "b-it-1").orElseThrow());
        String sql;
        try (var in = Compression.ZSTD.decompress(Files.newInputStream(repositoryDir.resolve("local").resolve(m.artifact())))) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String oneLine = sql.replace("\n", "");
        assertTrue(oneLine.contains("CREATE TABLE `t`") && oneLine.contains("(1,'one'),(2,'two')"), "the rows");
        assertTrue(sql.contains("gtid_slave_pos='" + m.gtidPosition() + "'"));
    }

    @Test
    void aDumpThatFailsLeavesNoArtefactAndNoManifestAndSaysWhy() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        LocalRepository repo = new LocalRepository(repositoryDir);
        DumpRunner runner = new DumpRunner(repo, TestFlavours.mariadb(), Clock.systemUTC(), Duration.ofMinutes(1));
        MariaDbNode replica = t.replicas().getFirst();
        DumpRunner.DumpFailed wrong = assertThrows(DumpRunner.DumpFailed.class, () -> runner.dump(
                new DumpRunner.Request("local", "b-it-2", replica.name(), "127.0.0.1", replica.port(),
                        new DbCredentials("admin", Secret.of("not-the-password")), "10.11", Compression.GZIP), b -> { }));
        assertTrue(wrong.getMessage().contains("exited with") && wrong.getMessage().contains("Access denied"),
                wrong.getMessage());
        assertTrue(!wrong.getMessage().contains("not-the-password"), "no secret in the message");
        DumpRunner missing = new DumpRunner(repo, new MariaDbBackup(new BackupFlavour.Tools("/nonexistent/mariadb-dump",
                "", "", "", "")), Clock.systemUTC(), Duration.ofMinutes(1));
        DumpRunner.DumpFailed noTool = assertThrows(DumpRunner.DumpFailed.class, () -> missing.dump(
                new DumpRunner.Request("local", "b-it-3", replica.name(), "127.0.0.1", replica.port(), admin(t),
                        "10.11", Compression.GZIP), b -> { }));
        assertTrue(noTool.getMessage().contains("cannot start"), noTool.getMessage());
        assertEquals(0, repo.manifests("local").size());
        try (var files = Files.list(repositoryDir.resolve("local"))) {
            assertEquals(0, files.count(), "no artefact, no partial file");
        }
    }
}
