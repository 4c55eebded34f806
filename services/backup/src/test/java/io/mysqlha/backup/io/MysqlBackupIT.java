package io.mysqlha.backup.io;

import io.mysqlha.backup.TestFlavours;
import io.mysqlha.backup.binlog.BinlogArchiver;
import io.mysqlha.backup.binlog.BinlogScanner;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.Secret;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.domain.gtid.MysqlGtidSet;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.GroupReplicationGroup;
import io.mysqlha.testsupport.servers.MySqlNode;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backups on real MySQL 9.7 servers with MySQL's own tools: continuous archival with {@code mysqlbinlog} from a
 * semi-sync primary, a {@code mysqldump} of a replica held still, verified in a scratch {@code mysqld}, a kill -9
 * of the primary and the promotion of a replica (the archive follows it: every GTID of both source uuids once), and
 * point-in-time recoveries into a scratch MySQL: to a moment between two writes, and to a GTID set written by the
 * promoted primary.
 */
class MysqlBackupIT {
    private static void write(Connection c, int id) throws Exception {
        Sql.execute(c, "INSERT INTO pitr.t VALUES (" + id + ", 'row " + id + "')");
    }

    private static String executed(MySqlNode n, MySqlTopology t) throws Exception {
        try (Connection c = n.connect(t.users().admin())) {
            return Sql.value(c, "SELECT @@GLOBAL.gtid_executed").orElseThrow();
        }
    }

    private static boolean archived(LocalRepository repo, String gtids) throws Exception {
        List<SegmentIndex> s = repo.segments("mysql-pitr");
        return !s.isEmpty() && s.getLast().reachedPosition().contains(MysqlGtidSet.parse(gtids));
    }

    @Test
    void archiveDumpVerifyFailoverAndPointInTimeRecoveryOnMysql() throws Exception {
        MySqlTopology t = MySqlTopology.startForTests(SharedInfra.dir("mysql-backup-it"), 2);
        Path work = SharedInfra.dir("mysql-backup-it-work");
        BackupFlavour.Choice flavours = TestFlavours.choice(work);
        MysqlBackup mysql = (MysqlBackup) flavours.of(Flavour.MYSQL);
        DbCredentials admin = new DbCredentials(t.users().admin().name(), Secret.of(t.users().admin().password().reveal()));
        LocalRepository repo = new LocalRepository(work.resolve("repo"));
        Vertx vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        Restorer restorer = new Restorer(repo, flavours, work, Duration.ofMinutes(10), clock);
        Verifier verifier = new Verifier(restorer, work, flavours, clock);
        List<String> gaps = new CopyOnWriteArrayList<>();
        BinlogArchiver.Listener listener = gapsInto(gaps);
        MySqlNode first = t.primary();
        MySqlNode second = t.replicas().get(0);
        MySqlNode third = t.replicas().get(1);
        try (BinlogArchiver archiver = new BinlogArchiver("mysql-pitr", repo, new BinlogArchiver.Settings(flavours,
                4_000_000_003L, work.resolve("spool"), Duration.ofSeconds(5)), admin,
                io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, vertx, listener, clock)) {
            archiver.follow(first.nodeSpec());
            archiver.start();
            try (Connection primary = first.connect(t.users().admin())) {
                Sql.execute(primary, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT PRIMARY KEY, v VARCHAR(20))",
                        "CREATE TABLE pitr.other (id INT) ENGINE=MyISAM", "INSERT INTO pitr.other VALUES (7)");
                write(primary, 1);
            }
            t.awaitReplicated(Duration.ofSeconds(30));

            // a dump of a replica held still (its applier stopped), with the checksums of that moment
            Manifest m;
            try (NodeSql source = NodeSql.connect(vertx, third.nodeSpec(), admin, io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, Duration.ofSeconds(5),
                    Duration.ofSeconds(30))) {
                source.execute(mysql.stopApplier());
                try {
                    m = new DumpRunner(repo, mysql, clock, Duration.ofMinutes(5)).dump(new DumpRunner.Request(
                            "mysql-pitr", "b-mysql-1", third.name(), third.host(), third.port(), admin,
                            source.value("SELECT VERSION()").orElseThrow(), Compression.ZSTD), b -> { });
                    m = m.withTableChecksums(Verifier.checksums(source, Duration.ofSeconds(30)));
                    repo.write(m);
                } finally {
                    source.execute(mysql.startApplier());
                }
            }
            System.out.printf("dump: %d bytes at %s (%s:%d), %s%n", m.bytes(), m.gtidPosition(), m.binlogFile(),
                    m.binlogPosition(), m.tool());
            assertEquals(Flavour.MYSQL, m.flavour());
            assertEquals(MysqlGtidSet.parse(executed(first, t)), m.position(), "the dump is at the replica's position");
            assertTrue(m.binlogFile() != null && m.binlogPosition() > 0, m.toString());
            assertTrue(m.tableChecksums().containsKey("pitr.t"), m.tableChecksums().toString());
            Verifier.Verdict verdict = verifier.verify(m);
            System.out.printf("verification: %s (%d ms)%n", verdict.detail(), verdict.millis());
            assertTrue(verdict.passed(), verdict.detail());

            // after the dump: row 2 before the point, 3 and 4 after it
            Instant point;
            try (Connection primary = first.connect(t.users().admin())) {
                write(primary, 2);
                Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
                Waits.until("the clock past " + at, Duration.ofSeconds(5), () -> Instant.now().isAfter(at));
                point = at;
                write(primary, 3);
                write(primary, 4);
                Sql.execute(primary, "FLUSH BINARY LOGS");
            }
            String atKill = executed(first, t);
            Waits.until("the archive at " + atKill, Duration.ofSeconds(30), () -> archived(repo, atKill));

            // the primary dies; the second node takes over and writes under its own uuid
            t.awaitReplicated(Duration.ofSeconds(30));
            first.kill();
            try (Connection c = second.connect(t.users().admin())) {
                Sql.execute(c, "STOP REPLICA", "RESET REPLICA ALL", "SET GLOBAL super_read_only=OFF",
                        "SET GLOBAL read_only=OFF");
            }
            t.pointAt(third, second);
            archiver.follow(second.nodeSpec());
            try (Connection c = second.connect(t.users().admin())) {
                write(c, 5);
                write(c, 6);
                Sql.execute(c, "FLUSH BINARY LOGS");
            }
            String end = executed(second, t);
            Waits.until("the new writer's binlogs archived up to " + end, Duration.ofSeconds(30),
                    () -> archived(repo, end));

            List<SegmentIndex> segments = repo.segments("mysql-pitr");
            List<String> each = new ArrayList<>();
            GtidPosition all = MysqlGtidSet.parse("");
            for (SegmentIndex s : segments) {
                assertEquals(null, repo.verify(s), "segment " + s.artifact() + " matches its checksum");
                List<BinlogScanner.Transaction> in = new ArrayList<>();
                BinlogScanner.scan(repo.localFile(s, work), tx -> {
                    if (tx.start() >= s.startOffset() && tx.end() <= s.endOffset()) {
                        in.add(tx);
                    }
                });
                for (BinlogScanner.Transaction tx : in) {
                    each.add(tx.gtid());
                    all = all.union(tx.position());
                }
            }
            System.out.printf("archive: %d segments from %s, %d transactions: %s%n", segments.size(),
                    segments.stream().map(SegmentIndex::sourceNode).distinct().toList(), each.size(), all);
            assertEquals(MysqlGtidSet.parse(end), all, "every transaction of the history, across the failover");
            assertEquals(each.size(), each.stream().distinct().count(), "each once");
            assertEquals(((MysqlGtidSet) all).count(), each.size());
            assertTrue(segments.stream().anyMatch(s -> s.sourceNode().equals(first.name())));
            assertTrue(segments.stream().anyMatch(s -> s.sourceNode().equals(second.name())));
            assertEquals(List.of(), gaps);

            // point in time: between rows 2 and 3, on the first primary
            RestorePlanner.Plan atTime = (RestorePlanner.Plan) RestorePlanner.plan(repo.manifests("mysql-pitr"),
                    segments, new RestorePlanner.Point.AtTime(point));
            try (ScratchServer target = ScratchServer.start(work, mysql)) {
                Restorer.Result r = restorer.restore(atTime, new Restorer.Target("a PITR target", target.clientArgs(),
                        null), phase -> System.out.println("restore: " + phase));
                System.out.printf("PITR to %s: dump %s + %d transactions from %d segments, last %s, %d ms%n", point,
                        r.backupId(), r.transactions(), r.segments(), r.lastGtid(), r.millis());
                assertEquals("1,2", rows(target, "SELECT id FROM pitr.t ORDER BY id"),
                        "the write before the point is there, the ones after it are not");
                assertEquals("7", rows(target, "SELECT id FROM pitr.other"));
            }

            // to the promoted primary's last write: across the failover, by GTID set
            RestorePlanner.Plan atGtid = (RestorePlanner.Plan) RestorePlanner.plan(repo.manifests("mysql-pitr"),
                    segments, new RestorePlanner.Point.AtGtid(end));
            try (ScratchServer target = ScratchServer.start(work, mysql)) {
                restorer.restore(atGtid, new Restorer.Target("a PITR target", target.clientArgs(), null), phase -> { });
                assertEquals("1,2,3,4,5,6", rows(target, "SELECT id FROM pitr.t ORDER BY id"));
                assertEquals(MysqlGtidSet.parse(end), MysqlGtidSet.parse(rows(target,
                        "SELECT REPLACE(@@GLOBAL.gtid_executed, '\\n', '')")), "the restored server has the cluster's GTIDs");
            }
        } finally {
            vertx.close();
            t.close();
        }
    }

    /**
     * A single-primary Group Replication group: its primary's binlogs archived, a secondary dumped without stopping
     * its applier (a group member is not held still), the primary killed and the group's own election followed by
     * the archive (every member logs the group's transactions under the group's uuid), and a restore to the new
     * primary's last write.
     */
    @Test
    void archiveDumpAndRestoreAGroupAcrossItsOwnElection() throws Exception {
        GroupReplicationGroup g = GroupReplicationGroup.startForTests(SharedInfra.dir("gr-backup-it"), 3, true);
        Path work = SharedInfra.dir("gr-backup-it-work");
        BackupFlavour.Choice flavours = TestFlavours.choice(work);
        MysqlBackup mysql = (MysqlBackup) flavours.of(Flavour.MYSQL);
        DbCredentials admin = new DbCredentials(g.users().admin().name(), Secret.of(g.users().admin().password().reveal()));
        LocalRepository repo = new LocalRepository(work.resolve("repo"));
        Vertx vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        Restorer restorer = new Restorer(repo, flavours, work, Duration.ofMinutes(10), clock);
        List<String> gaps = new CopyOnWriteArrayList<>();
        MySqlNode first = g.members().getFirst();
        MySqlNode secondary = g.members().getLast();
        try (BinlogArchiver archiver = new BinlogArchiver("gr-pitr", repo, new BinlogArchiver.Settings(flavours,
                4_000_000_013L, work.resolve("spool"), Duration.ofSeconds(5)), admin,
                io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, vertx, gapsInto(gaps), clock)) {
            archiver.follow(first.nodeSpec());
            archiver.start();
            try (Connection primary = first.connect(g.users().admin())) {
                Sql.execute(primary, "CREATE DATABASE pitr", "CREATE TABLE pitr.t (id INT PRIMARY KEY, v VARCHAR(20))");
                write(primary, 1);
                write(primary, 2);
            }
            String written = executed(first, g);
            Waits.until(secondary.name() + " applied " + written, Duration.ofSeconds(30),
                    () -> MysqlGtidSet.parse(executed(secondary, g)).contains(MysqlGtidSet.parse(written)));
            Manifest m;
            try (NodeSql source = NodeSql.connect(vertx, secondary.nodeSpec(), admin, io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, Duration.ofSeconds(5),
                    Duration.ofSeconds(30))) {
                m = new DumpRunner(repo, mysql, clock, Duration.ofMinutes(5)).dump(new DumpRunner.Request("gr-pitr",
                        "b-gr-1", secondary.name(), secondary.host(), secondary.port(), admin,
                        source.value("SELECT VERSION()").orElseThrow(), Compression.ZSTD), b -> { });
            }
            assertTrue(m.position().contains(MysqlGtidSet.parse(written)), m.gtidPosition() + " has " + written);
            Verifier.Verdict verdict = new Verifier(restorer, work, flavours, clock).verify(m);
            System.out.printf("group dump from %s at %s; verification: %s%n", secondary.name(), m.gtidPosition(),
                    verdict.detail());
            assertTrue(verdict.passed(), verdict.detail());

            first.kill();
            MySqlNode elected = Waits.forValue("the group's election", Duration.ofSeconds(90), () -> {
                try {
                    MySqlNode p = g.primary(secondary);
                    return p == first ? null : p;
                } catch (IllegalStateException e) {
                    return null;
                }
            });
            archiver.follow(elected.nodeSpec());
            try (Connection c = elected.connect(g.users().admin())) {
                write(c, 3);
                Sql.execute(c, "FLUSH BINARY LOGS");
            }
            String end = executed(elected, g);
            Waits.until("the new primary's binlogs archived up to " + end, Duration.ofSeconds(60), () -> {
                List<SegmentIndex> s = repo.segments("gr-pitr");
                return !s.isEmpty() && s.getLast().reachedPosition().contains(MysqlGtidSet.parse(end));
            });
            List<SegmentIndex> segments = repo.segments("gr-pitr");
            System.out.printf("group archive: %d segments from %s, reached %s%n", segments.size(),
                    segments.stream().map(SegmentIndex::sourceNode).distinct().toList(),
                    segments.getLast().reachedPosition());
            assertEquals(List.of(), gaps);
            assertTrue(segments.stream().anyMatch(s -> s.sourceNode().equals(elected.name())), segments.toString());

            RestorePlanner.Plan plan = (RestorePlanner.Plan) RestorePlanner.plan(repo.manifests("gr-pitr"), segments,
                    new RestorePlanner.Point.AtGtid(end));
            try (ScratchServer target = ScratchServer.start(work, mysql)) {
                restorer.restore(plan, new Restorer.Target("a PITR target", target.clientArgs(), null), phase -> { });
                assertEquals("1,2,3", rows(target, "SELECT id FROM pitr.t ORDER BY id"));
            }
        } finally {
            vertx.close();
            g.close();
        }
    }

    /** A listener of the archiver that keeps the gaps it reports. */
    private static BinlogArchiver.Listener gapsInto(List<String> gaps) {
        return new BinlogArchiver.Listener() {
            @Override
            public void archived(SegmentIndex segment) {
            }

            @Override
            public void gap(String nodeId, String summary) {
                gaps.add(summary);
            }

            @Override
            public void continuous(String nodeId) {
            }
        };
    }

    private static String executed(MySqlNode n, GroupReplicationGroup g) throws Exception {
        try (Connection c = n.connect(g.users().admin())) {
            return Sql.value(c, "SELECT REPLACE(@@GLOBAL.gtid_executed, '\\n', '')").orElseThrow();
        }
    }

    private static String rows(ScratchServer s, String sql) throws Exception {
        return s.query(sql).stream().map(r -> r[0]).collect(Collectors.joining(","));
    }
}
