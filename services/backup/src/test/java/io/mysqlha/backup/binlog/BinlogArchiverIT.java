package io.mysqlha.backup.binlog;

import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.Secret;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Continuous archival from a real semi-sync primary, across a kill -9 of that primary and the promotion of a
 * replica: every GTID of the cluster's history is in the archive exactly once.
 */
class BinlogArchiverIT {
    @TempDir
    Path work;

    private static NodeSpec spec(MariaDbNode n) {
        return new NodeSpec(n.name(), n.host(), n.port(), null, null, null, null);
    }

    private static String pos(MariaDbNode n, ReplicationTopology t) throws Exception {
        try (Connection c = n.connect(t.users().admin())) {
            return Sql.value(c, "SELECT @@gtid_binlog_pos").orElseThrow();
        }
    }

    private static void insert(MariaDbNode n, ReplicationTopology t, int from, int to) throws Exception {
        try (Connection c = n.connect(t.users().admin())) {
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS mysqlha.archived (id INT PRIMARY KEY)");
            for (int i = from; i <= to; i++) {
                Sql.execute(c, "INSERT INTO mysqlha.archived VALUES (" + i + ")");
            }
        }
    }

    @Test
    void theArchiveFollowsTheWriterAcrossAFailoverWithNoMissingAndNoDuplicateGtid() throws Exception {
        ReplicationTopology t = ReplicationTopology.startForTests(SharedInfra.dir("archiver-it"), 2);
        Vertx vertx = Vertx.vertx();
        LocalRepository repo = new LocalRepository(work.resolve("repo"));
        List<SegmentIndex> announced = new CopyOnWriteArrayList<>();
        List<String> gaps = new CopyOnWriteArrayList<>();
        BinlogArchiver.Listener listener = new BinlogArchiver.Listener() {
            @Override
            public void archived(SegmentIndex segment) {
                announced.add(segment);
            }

            @Override
            public void gap(String nodeId, String summary) {
                gaps.add(summary);
            }

            @Override
            public void continuous(String nodeId) {
            }
        };
        DbCredentials admin = new DbCredentials(t.users().admin().name(), Secret.of(t.users().admin().password().reveal()));
        MariaDbNode first = t.primary();
        MariaDbNode second = t.replicas().get(0);
        MariaDbNode third = t.replicas().get(1);
        try (BinlogArchiver archiver = new BinlogArchiver("arch", repo, new BinlogArchiver.Settings(io.mysqlha.backup.TestFlavours.choice(work),
                4_000_000_001L, work.resolve("spool"), Duration.ofSeconds(5)), admin,
                io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, vertx, listener,
                Clock.systemUTC())) {
            archiver.follow(spec(first));
            archiver.start();
            Waits.until("the streamer running", Duration.ofSeconds(30), () -> ProcessHandle.current().descendants()
                    .anyMatch(p -> p.info().commandLine().orElse("").contains("binlog")));
            // the password in an option file of the tool's own: not in its environment (the test's is too short to
            // look for as a value; MYSQL_PWD is what would carry it)
            assertEquals(List.of(), io.mysqlha.testsupport.services.SecretLeaks.inProcesses("binlog", Map.of()));
            insert(first, t, 1, 20);
            String beforeFlush = pos(first, t);
            try (Connection c = first.connect(t.users().admin())) {
                Sql.execute(c, "FLUSH BINARY LOGS");
            }
            Waits.until("the closed file archived up to " + beforeFlush, Duration.ofSeconds(30), () ->
                    !announced.isEmpty() && MariaDbGtidPosition.parse(announced.getLast().reached())
                            .contains(MariaDbGtidPosition.parse(beforeFlush)));

            insert(first, t, 21, 30); // in the open file when the primary dies
            String atKill = pos(first, t);
            for (MariaDbNode r : List.of(second, third)) {
                try (Connection c = r.connect(t.users().admin())) {
                    assertEquals("0", Sql.value(c, "SELECT MASTER_GTID_WAIT('" + atKill + "', 30)").orElseThrow());
                }
            }
            first.kill();
            try (Connection c = second.connect(t.users().admin())) {
                Sql.execute(c, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only=OFF");
            }
            t.pointAt(third, second);
            archiver.follow(spec(second));
            insert(second, t, 31, 40);
            String end = pos(second, t);
            try (Connection c = second.connect(t.users().admin())) {
                Sql.execute(c, "FLUSH BINARY LOGS");
            }
            Waits.until("the new writer's closed file archived up to " + end, Duration.ofSeconds(30), () ->
                    !announced.isEmpty() && MariaDbGtidPosition.parse(announced.getLast().reached())
                            .contains(MariaDbGtidPosition.parse(end)));

            List<SegmentIndex> segments = repo.segments("arch");
            assertEquals(announced, segments, "every archived segment was announced, in order");
            List<Long> seqs = new ArrayList<>();
            for (SegmentIndex s : segments) {
                assertEquals(null, repo.verify(s), "segment " + s.artifact() + " matches its checksum");
                BinlogScanner.scan(repo.localFile(s, work), tx -> {
                    if (tx.start() >= s.startOffset() && tx.end() <= s.endOffset()) {
                        seqs.add(tx.seq());
                    }
                });
            }
            long last = MariaDbGtidPosition.parse(end).seq(0);
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= last; i++) {
                expected.add(i);
            }
            System.out.printf("archive: %d segments from %s, GTIDs 0-*-1..%d each once%n", segments.size(),
                    segments.stream().map(SegmentIndex::sourceNode).distinct().toList(), last);
            assertEquals(expected, seqs, "every transaction of the history once, in order, across the failover");
            assertTrue(segments.stream().anyMatch(s -> s.sourceNode().equals(first.name())));
            assertTrue(segments.stream().anyMatch(s -> s.sourceNode().equals(second.name())));
            assertEquals(List.of(), gaps);

            // a corrupted segment is found by its checksum
            SegmentIndex victim = segments.getFirst();
            try (RandomAccessFile f = new RandomAccessFile(repo.localFile(victim, work).toFile(), "rw")) {
                f.seek(victim.startOffset() + 3);
                int b = f.read();
                f.seek(victim.startOffset() + 3);
                f.write(b ^ 0xff);
            }
            String problem = repo.verify(victim);
            assertTrue(problem != null && problem.contains("corrupted: it must not be restored"), problem);
        } finally {
            vertx.close();
            t.close();
        }
    }
}
