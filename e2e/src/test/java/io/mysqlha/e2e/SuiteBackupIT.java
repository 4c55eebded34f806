package io.mysqlha.e2e;

import io.mysqlha.domain.BackupSchedule;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.BackupVerified;
import io.mysqlha.events.BinlogSegmentArchived;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.SecretLeaks;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backup across a failover, with the suite as separate processes (probe, topology, failover, backup) on real
 * MariaDB and on real MySQL, and real Kafka: a verified dump, writes, kill -9 of the primary and the suite's own
 * failover, writes on the new primary, then a point-in-time recovery to the newest write: every row is there, the
 * archive had no gap.
 */
class SuiteBackupIT {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String CLUSTER = "sbk";

    static List<Flavours.Of> flavours() {
        return Flavours.BOTH;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String awaitJob(ServiceProcess backup, String jobId) {
        String[] last = {null};
        Waits.until("job " + jobId + " done", PATIENCE, () -> {
            last[0] = backup.get("/jobs/" + jobId).body();
            return last[0].contains("\"state\":\"COMPLETED\"") || last[0].contains("\"state\":\"FAILED\"");
        });
        assertTrue(last[0].contains("\"state\":\"COMPLETED\""), last[0]);
        return field(last[0], "result");
    }

    private static void insert(ServerNode n, GtidTopology t, int from, int to) throws Exception {
        try (Connection c = n.connect(t.users().admin())) {
            for (int i = from; i <= to; i++) {
                Sql.execute(c, "INSERT INTO app.kept VALUES (" + i + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavours")
    void aPointInTimeRecoveryAfterAFailoverHasEveryRow(Flavours.Of flavour) throws Exception {
        Topics topics = new Topics("suite-backup-" + flavour.tag() + ".");
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("suite-backup-it-" + flavour.tag());
        List<ServiceProcess> services = new ArrayList<>();
        GtidTopology t = flavour.start(dir.resolve("db"));
        ServerNode target = t.standalone("pitr-target", FreePorts.next(), 55, dir.resolve("target"));
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        try (EventTap tap = new EventTap(bootstrap, topics, CLUSTER, Topic.BACKUP, Topic.FAILOVER, Topic.ALERTS)) {
            Path secrets = Secrets.write(dir.resolve("secrets"), t.users());
            // encrypted at rest: what follows restores through decryption
            String backupKey = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(32));
            Secrets.putText(secrets, "backup-key", backupKey + "\n");
            Suite suite = new Suite(bootstrap, topics, secrets, dir);
            for (String s : List.of("health-probe", "topology", "failover", "backup")) {
                services.add(suite.start(s));
            }
            ServiceProcess backup = services.getLast();
            ClusterSpec base = t.spec(CLUSTER);
            Specs.apply(bootstrap, topics, new ClusterSpec(CLUSTER, base.kind(), base.nodes(), base.routing(),
                    base.probe(), base.listeners(), new BackupSchedule(null, null, null, null, "backup-key"),
                    base.credentials(), base.zonePreference()));
            Waits.until("backup streaming the primary's binlogs", PATIENCE, () -> {
                String c = backup.get("/clusters").body();
                return c.contains("\"writer\":\"" + t.primary().name() + "\"") && c.contains("\"streaming\":true");
            });
            assertEquals(List.of(), SecretLeaks.inProcesses("binlog", java.util.Map.of("backup key", backupKey,
                    "operator token", io.mysqlha.testsupport.services.Secrets.OPERATOR_TOKEN)),
                    "no password on the binlog streamer's command line or in its environment");
            try (Connection c = t.primary().connect(t.users().admin())) {
                Sql.execute(c, "CREATE DATABASE IF NOT EXISTS app", "CREATE TABLE app.kept (id INT PRIMARY KEY)");
            }
            insert(t.primary(), t, 1, 50);
            t.awaitReplicated(Duration.ofSeconds(30));

            var answer = backup.post("/clusters/" + CLUSTER + "/backups?by=e2e");
            assertEquals(202, answer.statusCode(), answer.body());
            String dumped = awaitJob(backup, field(answer.body(), "jobId"));
            System.out.println("dump: " + dumped);
            assertTrue(tap.await("BackupVerified", BackupVerified.class, 0, v -> true, PATIENCE).passed());

            insert(t.primary(), t, 51, 100);
            t.awaitReplicated(Duration.ofSeconds(30));
            ServerNode old = t.primary();
            old.kill();
            FailoverCompleted done = tap.await("the suite's failover", FailoverCompleted.class, 0,
                    f -> f.kind() == FailoverKind.FAILOVER, PATIENCE);
            ServerNode promoted = t.node(done.newPrimary());
            Waits.until("backup streaming from " + promoted.name(), PATIENCE, () -> {
                String c = backup.get("/clusters").body();
                return c.contains("\"writer\":\"" + promoted.name() + "\"") && c.contains("\"streaming\":true");
            });
            Waits.until(promoted.name() + " writable", PATIENCE, () -> {
                try (Connection c = promoted.connect(t.users().admin())) {
                    return Sql.value(c, "SELECT @@read_only").orElse("1").equals("0");
                }
            });
            insert(promoted, t, 101, 150);
            String end;
            try (Connection c = promoted.connect(t.users().admin())) {
                end = t.executedGtids(c);
            }

            target.initialise();
            target.start();
            target.runAsRoot(t.accountStatements());
            String body = "{\"target\":\"127.0.0.1:" + target.port() + "\",\"gtid\":\"" + end + "\"}";
            String jobId = Waits.forValue("a restore planned up to " + end, PATIENCE, () -> {
                try {
                    var r = backup.postJson("/clusters/" + CLUSTER + "/restores", body);
                    return r.statusCode() == 202 ? field(r.body(), "jobId") : null; // 409 until the spool holds it
                } catch (java.io.IOException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            String restored = awaitJob(backup, jobId);
            String listed = backup.get("/clusters/" + CLUSTER + "/backups").body();
            assertTrue(listed.contains("\"encryptionKey\":\"sha256:"), "the dump is encrypted at rest: " + listed);
            assertTrue(backup.get("/clusters/" + CLUSTER + "/binlogs").body().contains("\"encryptionKey\":\"sha256:"),
                    "and the archived binlogs");
            System.out.printf("PITR across the failover %s -> %s: %s%n", old.name(), promoted.name(), restored);
            try (Connection c = target.connect(t.users().admin())) {
                assertEquals("150", Sql.value(c, "SELECT COUNT(DISTINCT id) FROM app.kept").orElseThrow());
                assertEquals("1:150", Sql.value(c, "SELECT CONCAT(MIN(id), ':', MAX(id)) FROM app.kept").orElseThrow());
            }
            List<String> sources = tap.all(BinlogSegmentArchived.class).stream()
                    .map(BinlogSegmentArchived::sourceNode).distinct().toList();
            assertTrue(sources.contains(old.name()), "the old primary's binlog was archived: " + sources);
            assertEquals(List.of(), tap.all(AlertRaised.class).stream().filter(a -> a.name().equals("BinlogArchiveGap"))
                    .map(AlertRaised::summary).toList(), "no gap in the archive");
            java.util.Map<String, String> held = new java.util.HashMap<>(SecretLeaks.apiTokens());
            held.put("backup key", backupKey);
            assertEquals(List.of(), SecretLeaks.inLogs(dir, held), "no secret in any service's log");
        } finally {
            services.forEach(ServiceProcess::close);
            target.stop();
            t.close();
        }
    }
}
