package io.mysqlha.backup.io;

import io.mysqlha.backup.TestFlavours;
import io.mysqlha.backup.binlog.BinlogArchiver;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.Secret;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dump of a real replica verified in a scratch server, then a point-in-time recovery from that dump and the
 * binlog archive of the real primary to a moment between two writes; a corrupted dump and a refusing target.
 */
class RestoreIT {
    private static NodeSpec spec(MariaDbNode n) {
        return new NodeSpec(n.name(), n.host(), n.port(), null, null, null, null);
    }

    private static void write(Connection c, int id) throws Exception {
        Sql.execute(c, "INSERT INTO pitr.t VALUES (" + id + ", 'row " + id + "')");
    }

    @Test
    void aVerifiedDumpAndTheArchiveRecoverToAPointBetweenTwoWrites() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        Path work = SharedInfra.dir("restore-it");
        DbCredentials admin = new DbCredentials(t.users().admin().name(), Secret.of(t.users().admin().password().reveal()));
        LocalRepository repo = new LocalRepository(work.resolve("repo"));
        Vertx vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        BackupFlavour.Choice flavours = TestFlavours.choice(work);
        Restorer restorer = new Restorer(repo, flavours, work, Duration.ofMinutes(10), clock);
        Verifier verifier = new Verifier(restorer, work, flavours, clock);
        BinlogArchiver.Listener quiet = new BinlogArchiver.Listener() {
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
        MariaDbNode replica = t.replicas().getLast();
        try (BinlogArchiver archiver = new BinlogArchiver("pitr", repo, new BinlogArchiver.Settings(flavours,
                4_000_000_002L, work.resolve("spool"), Duration.ofSeconds(5)), admin,
                io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, vertx, quiet, clock);
             Connection primary = t.primary().connect(t.users().admin())) {
            archiver.follow(spec(t.primary()));
            archiver.start();
            Sql.execute(primary, "CREATE DATABASE IF NOT EXISTS pitr", "CREATE TABLE IF NOT EXISTS pitr.t (id INT"
                    + " PRIMARY KEY, v VARCHAR(20))", "CREATE TABLE IF NOT EXISTS pitr.other (id INT) ENGINE=MyISAM");
            write(primary, 1);
            Sql.execute(primary, "INSERT INTO pitr.other VALUES (7)");
            String written = Sql.value(primary, "SELECT @@gtid_binlog_pos").orElseThrow();

            // the dump, taken while the replica applies nothing, with its checksums
            Manifest m;
            try (NodeSql source = NodeSql.connect(vertx, spec(replica), admin, io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, Duration.ofSeconds(5),
                    Duration.ofSeconds(30))) {
                assertEquals("0", source.value("SELECT MASTER_GTID_WAIT('" + written + "', 30)").orElseThrow());
                source.execute("STOP SLAVE SQL_THREAD");
                try {
                    m = new DumpRunner(repo, TestFlavours.mariadb(), clock, Duration.ofMinutes(5)).dump(new DumpRunner.Request(
                            "pitr", "b-pitr-1", replica.name(), replica.host(), replica.port(), admin, "10.11",
                            Compression.ZSTD), b -> { });
                    m = m.withTableChecksums(Verifier.checksums(source, Duration.ofSeconds(30)));
                    repo.write(m);
                } finally {
                    source.execute("START SLAVE SQL_THREAD");
                }
            }
            assertTrue(m.tableChecksums().containsKey("pitr.t"), m.tableChecksums().toString());
            Verifier.Verdict verdict = verifier.verify(m);
            System.out.printf("verification: %s (%d ms)%n", verdict.detail(), verdict.millis());
            assertTrue(verdict.passed(), verdict.detail());

            // after the dump: row 2 before the point, row 3 at or after it
            write(primary, 2);
            Instant point = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
            Waits.until("the clock past " + point, Duration.ofSeconds(5), () -> Instant.now().isAfter(point));
            write(primary, 3);
            write(primary, 4);
            String end = Sql.value(primary, "SELECT @@gtid_binlog_pos").orElseThrow();
            Sql.execute(primary, "FLUSH BINARY LOGS");
            Waits.until("the archive at " + end, Duration.ofSeconds(30), () -> {
                List<SegmentIndex> s = repo.segments("pitr");
                return !s.isEmpty() && MariaDbGtidPosition.parse(s.getLast().reached())
                        .contains(MariaDbGtidPosition.parse(end));
            });

            var outcome = RestorePlanner.plan(repo.manifests("pitr"), repo.segments("pitr"),
                    new RestorePlanner.Point.AtTime(point));
            RestorePlanner.Plan plan = (RestorePlanner.Plan) outcome;
            try (ScratchServer target = ScratchServer.start(work, TestFlavours.mariadb())) {
                Restorer.Result r = restorer.restore(plan, new Restorer.Target("the PITR target", target.clientArgs(),
                        null), phase -> System.out.println("restore: " + phase));
                System.out.printf("PITR to %s: dump %s + %d transactions from %d segments, last %s, %d ms%n", point,
                        r.backupId(), r.transactions(), r.segments(), r.lastGtid(), r.millis());
                String rows = target.query("SELECT id FROM pitr.t ORDER BY id").stream().map(x -> x[0])
                        .collect(Collectors.joining(","));
                assertEquals("1,2", rows, "the write before the point is there, the one after it is not");
                assertEquals("7", target.query("SELECT id FROM pitr.other").getFirst()[0]);
            }

            // a target that refuses (wrong password): said so, with the client's own error
            Restorer.RestoreFailed refused = assertThrows(Restorer.RestoreFailed.class, () -> restorer.restore(plan,
                    new Restorer.Target("node " + replica.name(), List.of("--host=127.0.0.1", "--port=" + replica.port(),
                            "--protocol=TCP", "--user=admin"), Secret.of("wrong-password")), phase -> { }));
            assertTrue(refused.getMessage().contains("Access denied"), refused.getMessage());
            assertTrue(!refused.getMessage().contains("wrong-password"));

            // a corrupted dump is reported, never loaded
            Path dumpFile = repo.localFile(m, work);
            try (RandomAccessFile f = new RandomAccessFile(dumpFile.toFile(), "rw")) {
                f.seek(Files.size(dumpFile) / 2);
                int b = f.read();
                f.seek(Files.size(dumpFile) / 2);
                f.write(b ^ 0x55);
            }
            Restorer.RestoreFailed corrupt = assertThrows(Restorer.RestoreFailed.class, () -> restorer.restore(plan,
                    new Restorer.Target("nowhere", List.of("--host=127.0.0.1", "--port=1"), null), phase -> { }));
            assertTrue(corrupt.getMessage().contains("corrupted: it must not be restored"), corrupt.getMessage());
        } finally {
            vertx.close();
        }
    }
}
