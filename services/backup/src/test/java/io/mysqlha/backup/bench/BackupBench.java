package io.mysqlha.backup.bench;

import io.mysqlha.backup.TestFlavours;
import io.mysqlha.backup.binlog.BinlogArchiver;
import io.mysqlha.backup.io.Compression;
import io.mysqlha.backup.io.DumpRunner;
import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.Secret;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.vertx.core.Vertx;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * bench/backup.sh: on its own semi-sync topology, (1) dump throughput of the backup service's DumpRunner (dump,
 * zstd, SHA-256, fsync, rename) against the dump tool alone piped through the zstd command into a file, rounds
 * interleaved; (2) archive lag: for each commit on the writer, the time until the archive's copy of the writer's
 * binlog holds its bytes. Prints figures; asserts nothing.
 */
public final class BackupBench {
    private static final DbCredentials ADMIN = new DbCredentials("admin", Secret.of("admin"));

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("rows", 1_000_000);
        int rounds = Integer.getInteger("rounds", 3);
        int commits = Integer.getInteger("commits", 500);
        Path work = SharedInfra.dir("backup-bench");
        ReplicationTopology t = ReplicationTopology.startForTests(work.resolve("db"), 2);
        try {
            MariaDbNode primary = t.primary();
            try (Connection c = primary.connect(t.users().admin())) {
                Sql.execute(c, "CREATE DATABASE bench", "USE bench", "CREATE TABLE bench.t (id INT PRIMARY KEY,"
                        + " k INT, c CHAR(120), pad CHAR(60))", "INSERT INTO bench.t SELECT seq, seq % 1000,"
                        + " REPEAT(MD5(seq), 3), LEFT(SHA1(seq), 40) FROM seq_1_to_" + rows);
            }
            t.awaitReplicated(Duration.ofMinutes(5));
            MariaDbNode replica = t.replicas().getFirst();
            dumpThroughput(replica, work, rows, rounds);
            archiveLag(primary, work, commits);
        } finally {
            t.close();
        }
    }

    private static void dumpThroughput(MariaDbNode replica, Path work, int rows, int rounds) throws Exception {
        System.out.printf("%n== dump throughput: %d rows from %s, zstd level 3, %d interleaved rounds ==%n", rows,
                replica.name(), rounds);
        List<Double> tool = new ArrayList<>();
        List<Double> service = new ArrayList<>();
        long raw = 0;
        for (int i = 1; i <= rounds; i++) {
            Path out = work.resolve("alone-" + i + ".sql.zst");
            String cmd = "mariadb-dump --host=127.0.0.1 --port=" + replica.port() + " --user=admin --protocol=TCP"
                    + " --single-transaction --quick --master-data=2 --gtid --routines --events --triggers --hex-blob"
                    + " --all-databases | tee >(wc -c > " + work.resolve("raw-" + i) + ") | zstd -3 -q -T1 -o " + out;
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; " + cmd).inheritIO();
            pb.environment().put("MYSQL_PWD", "admin");
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("the tool alone failed");
            }
            double aloneSec = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(100); // let tee's wc write its count file
            raw = Long.parseLong(Files.readString(work.resolve("raw-" + i)).strip());
            tool.add(raw / 1e6 / aloneSec);
            Files.delete(out);

            LocalRepository repo = new LocalRepository(work.resolve("repo-" + i));
            DumpRunner runner = new DumpRunner(repo, TestFlavours.mariadb(), Clock.systemUTC(), Duration.ofMinutes(30));
            long t1 = System.nanoTime();
            Manifest m = runner.dump(new DumpRunner.Request("bench", "b-" + i, replica.name(), replica.host(),
                    replica.port(), ADMIN, "10.11", Compression.ZSTD), b -> { });
            double serviceSec = (System.nanoTime() - t1) / 1e9;
            service.add(raw / 1e6 / serviceSec);
            System.out.printf("round %d: dump %.1f MB raw -> %.1f MB zstd; tool alone %.2f s (%.1f MB/s), backup"
                            + " service %.2f s (%.1f MB/s), ratio %.2f%n", i, raw / 1e6, m.bytes() / 1e6, aloneSec,
                    tool.getLast(), serviceSec, service.getLast(), service.getLast() / tool.getLast());
            deleteTree(work.resolve("repo-" + i));
        }
        double mt = median(tool);
        double ms = median(service);
        System.out.printf("dump throughput median: tool alone %.1f MB/s, backup service %.1f MB/s, ratio %.2f"
                + " (target >= 0.90)%n", mt, ms, ms / mt);
    }

    private static void archiveLag(MariaDbNode primary, Path work, int commits) throws Exception {
        System.out.printf("%n== archive lag: %d autocommit inserts on %s, 20 ms apart ==%n", commits, primary.name());
        Vertx vertx = Vertx.vertx();
        LocalRepository repo = new LocalRepository(work.resolve("archive"));
        BinlogArchiver.Listener none = new BinlogArchiver.Listener() {
            @Override
            public void archived(SegmentIndex segment) {
            }

            @Override
            public void gap(String nodeId, String summary) {
                System.out.println("GAP: " + summary);
            }

            @Override
            public void continuous(String nodeId) {
            }
        };
        NodeSpec writer = new NodeSpec(primary.name(), primary.host(), primary.port(), null, null, null, null);
        try (BinlogArchiver archiver = new BinlogArchiver("bench", repo, new BinlogArchiver.Settings(TestFlavours.choice(work),
                4_000_000_009L, work.resolve("spool"), Duration.ofSeconds(10)), ADMIN,
                io.mysqlha.service.sql.NodeTlsSettings.PREFERRED, vertx, none, Clock.systemUTC());
             Connection c = primary.connect(io.mysqlha.testsupport.servers.DbUsers.LOCAL.admin())) {
            archiver.follow(writer);
            archiver.start();
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS bench.lag (id INT PRIMARY KEY, at BIGINT)");
            // the streamer is live once the spool holds the writer's current file at its current size
            waitForSpool(archiver.spoolOf(writer), c, Duration.ofSeconds(60));
            record Pending(String file, long position, long committedNanos) {
            }
            ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
            List<Double> lagsMs = Collections.synchronizedList(new ArrayList<>());
            Path spool = archiver.spoolOf(writer);
            Thread watcher = Thread.ofPlatform().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    Pending p = pending.peek();
                    if (p == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    File f = spool.resolve(p.file()).toFile();
                    if (f.length() >= p.position()) {
                        lagsMs.add((System.nanoTime() - p.committedNanos()) / 1e6);
                        pending.poll();
                    }
                }
            });
            for (int i = 1; i <= commits; i++) {
                Sql.execute(c, "INSERT INTO bench.lag VALUES (" + i + ", 0)");
                long at = System.nanoTime();
                var status = Sql.rows(c, "SHOW MASTER STATUS").getFirst();
                pending.add(new Pending(status.get("File"), Long.parseLong(status.get("Position")), at));
                Thread.sleep(20);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            watcher.interrupt();
            List<Double> sorted = new ArrayList<>(lagsMs);
            Collections.sort(sorted);
            System.out.printf("archive lag (commit acknowledged -> its bytes in the archive's copy of the binlog),"
                            + " %d of %d commits: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 <="
                            + " 1000 ms)%n", sorted.size(), commits, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99),
                    sorted.isEmpty() ? Double.NaN : sorted.getLast());
        } finally {
            vertx.close();
        }
    }

    private static void waitForSpool(Path spool, Connection c, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var status = Sql.rows(c, "SHOW MASTER STATUS").getFirst();
            File f = spool.resolve(status.get("File")).toFile();
            if (f.length() >= Long.parseLong(status.get("Position"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the binlog streamer did not catch up with the writer within " + timeout);
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
