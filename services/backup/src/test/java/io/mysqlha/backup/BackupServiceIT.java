package io.mysqlha.backup;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.BackupCompleted;
import io.mysqlha.events.BackupFailed;
import io.mysqlha.events.BackupStarted;
import io.mysqlha.events.BackupVerified;
import io.mysqlha.events.BinlogSegmentArchived;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.SchemaVersion;
import io.mysqlha.events.Topic;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Events;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.process.ManagedProcess;
import io.mysqlha.testsupport.quarkus.ServiceContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service as operators meet it, on the real semi-sync topology and real Kafka: a dump on request from a
 * replica, verified; the binlog archive of the writer; a restore to a GTID into a separate server; refusals.
 */
@QuarkusTest
@WithTestResource(BackupServiceInfra.class)
class BackupServiceIT extends ServiceContract {
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", "Bearer " + Secrets.OPERATOR_TOKEN);
    }

    private static TopologyChanged.AssignedNode assigned(NodeSpec n) {
        return new TopologyChanged.AssignedNode(n.id(), n.host(), n.port(), 1, "test");
    }

    private static void publishTopology(ClusterSpec spec, long generation, NodeSpec writer, List<NodeSpec> readers) {
        Events.publish(SharedInfra.kafka().bootstrapServers(), BackupServiceInfra.TOPICS, new TopologyChanged(
                new EventHeader(UUID.randomUUID().toString(), "TopologyChanged", spec.clusterId(), Instant.now(),
                        "topology", "it", SchemaVersion.CURRENT.toString()), generation, 1,
                List.of(assigned(writer)), readers.stream().map(BackupServiceIT::assigned).toList(), List.of(),
                List.of(), "test"));
    }

    private static String awaitJob(String jobId, String state) {
        Waits.until("job " + jobId + " " + state, PATIENCE, () -> {
            String s = given().get("/jobs/" + jobId).then().statusCode(200).extract().path("state");
            if (!s.equals(state) && (s.equals("COMPLETED") || s.equals("FAILED"))) {
                throw new AssertionError("job " + jobId + " ended " + s + ": " + given().get("/jobs/" + jobId).asString());
            }
            return s.equals(state);
        });
        return given().get("/jobs/" + jobId).then().extract().path("result");
    }

    @Test
    void dumpsOnRequestVerifiesArchivesAndRestoresToAGtid() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        ClusterSpec spec = t.spec("bsvc");
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        try (EventTap tap = new EventTap(bootstrap, BackupServiceInfra.TOPICS, "bsvc", Topic.BACKUP)) {
            // a replica a dump held still when the service died mid-dump: let go when the cluster is taken
            MariaDbNode held = t.replicas().get(1);
            try (Connection c = held.connect(t.users().admin())) {
                Sql.execute(c, "STOP SLAVE SQL_THREAD");
            }
            java.nio.file.Path marker = BackupServiceInfra.DIR.resolve("spool/bsvc/.held-" + held.name());
            java.nio.file.Files.createDirectories(marker.getParent());
            java.nio.file.Files.writeString(marker, "held");
            Specs.apply(bootstrap, BackupServiceInfra.TOPICS, spec);
            Waits.until(held.name() + " let go", PATIENCE, () -> {
                try (Connection c = held.connect(t.users().admin())) {
                    return "Yes".equals(Sql.rows(c, "SHOW SLAVE STATUS").getFirst().get("Slave_SQL_Running"))
                            && !java.nio.file.Files.exists(marker);
                }
            });
            publishTopology(spec, 1, spec.nodes().get(0), spec.nodes().subList(1, 3));
            Waits.until("bsvc owned, its writer known and streamed from", PATIENCE, () -> given().get("/clusters")
                    .asString().contains("\"streaming\":true"));
            given().get("/clusters").then().body("clusterId", hasItem("bsvc")).body("[0].writer", equalTo("node1"));

            try (Connection p = t.primary().connect(t.users().admin())) {
                Sql.execute(p, "CREATE DATABASE IF NOT EXISTS svc", "CREATE TABLE IF NOT EXISTS svc.t (id INT PRIMARY KEY)",
                        "REPLACE INTO svc.t VALUES (1)");
            }
            t.awaitReplicated(Duration.ofSeconds(30));
            String jobId = operator().post("/clusters/bsvc/backups?by=alice").then().statusCode(202)
                    .body("follow", containsString("/jobs/")).extract().path("jobId");
            operator().post("/clusters/bsvc/backups").then().statusCode(409).body("error", containsString("already"));
            given().get("/jobs/" + jobId).then().body("trigger", equalTo("request by " + Secrets.OPERATOR)); // not alice
            given().post("/clusters/bsvc/backups").then().statusCode(401); // no token, no dump
            String result = awaitJob(jobId, "COMPLETED");
            System.out.println("dump job: " + result);
            assertTrue(result.contains("verification passed"), result);
            BackupStarted started = tap.await("BackupStarted", BackupStarted.class, 0, e -> true, PATIENCE);
            BackupCompleted done = tap.await("BackupCompleted", BackupCompleted.class, 0, e -> true, PATIENCE);
            BackupVerified verified = tap.await("BackupVerified", BackupVerified.class, 0, e -> true, PATIENCE);
            assertTrue(List.of("node2", "node3").contains(started.sourceNode()), "a replica: " + started.sourceNode());
            assertEquals(started.backupId(), done.backupId());
            assertTrue(verified.passed(), verified.detail());
            given().get("/clusters/bsvc/backups").then().statusCode(200)
                    .body("backups[0].backupId", equalTo(done.backupId()))
                    .body("backups[0].status", equalTo("COMPLETED"))
                    .body("backups[0].compression", equalTo("zstd"))
                    .body("backups[0].tableChecksums", org.hamcrest.Matchers.hasKey("svc.t"));

            // after the dump: two writes, then the archive holds them
            String afterFirst;
            try (Connection p = t.primary().connect(t.users().admin())) {
                Sql.execute(p, "INSERT INTO svc.t VALUES (2)");
                afterFirst = Sql.value(p, "SELECT @@gtid_binlog_pos").orElseThrow();
                Sql.execute(p, "INSERT INTO svc.t VALUES (3)", "FLUSH BINARY LOGS");
            }
            tap.await("BinlogSegmentArchived past " + afterFirst, BinlogSegmentArchived.class, 0, e ->
                    io.mysqlha.domain.gtid.MariaDbGtidPosition.parse(e.lastGtid()).contains(
                            io.mysqlha.domain.gtid.MariaDbGtidPosition.parse(afterFirst)), PATIENCE);
            given().get("/clusters/bsvc/binlogs").then().statusCode(200).body("status.writer", equalTo("node1"));

            // a restore to the GTID of the first write into a separate server
            MariaDbNode target = new MariaDbNode("restore-target", FreePorts.next(), 77,
                    BackupServiceInfra.DIR.resolve("target"), Map.of(), ManagedProcess.Ownership.TEST);
            target.initialise();
            target.start();
            try {
                target.runAsRoot(t.users().createStatements());
                operator().contentType(ContentType.JSON).body(Map.of("target", "127.0.0.1:" + t.primary().port()))
                        .post("/clusters/bsvc/restores").then().statusCode(400)
                        .body("error", containsString("is node node1 of bsvc"));
                operator().contentType(ContentType.JSON).body(Map.of("target", "nowhere"))
                        .post("/clusters/bsvc/restores").then().statusCode(400).body("error", containsString("host:port"));
                operator().contentType(ContentType.JSON).body(Map.of("target", "127.0.0.1:" + target.port(),
                                "time", "2001-01-01T00:00:00Z")).post("/clusters/bsvc/restores").then().statusCode(409)
                        .body("error", containsString("no completed dump is older than 2001-01-01T00:00:00Z"));
                operator().contentType(ContentType.JSON).body(Map.of("target", "127.0.0.1:" + target.port(),
                        "time", "yesterday")).post("/clusters/bsvc/restores").then().statusCode(400);
                String restore = operator().contentType(ContentType.JSON).body(Map.of("target", "127.0.0.1:"
                        + target.port(), "gtid", afterFirst)).post("/clusters/bsvc/restores").then().statusCode(202)
                        .extract().path("jobId");
                String restored = awaitJob(restore, "COMPLETED");
                System.out.println("restore job: " + restored);
                assertTrue(restored.contains("final GTID position " + afterFirst), restored);
                try (Connection c = target.connect(t.users().admin())) {
                    assertEquals(List.of("1", "2"), Sql.rows(c, "SELECT id FROM svc.t ORDER BY id").stream()
                            .map(r -> r.get("id")).toList());
                }
                // the writer's current binlog, not closed yet, is replayed too: up to its last commit
                String live;
                try (Connection p = t.primary().connect(t.users().admin())) {
                    Sql.execute(p, "INSERT INTO svc.t VALUES (4)");
                    live = Sql.value(p, "SELECT @@gtid_binlog_pos").orElseThrow();
                }
                String liveJob = Waits.forValue("a restore planned up to " + live, PATIENCE, () -> {
                    var response = operator().contentType(ContentType.JSON).body(Map.of("target", "127.0.0.1:"
                            + target.port(), "gtid", live)).post("/clusters/bsvc/restores");
                    return response.statusCode() == 202 ? response.path("jobId") : null; // 409 until spooled
                });
                String liveResult = awaitJob(liveJob, "COMPLETED");
                assertTrue(liveResult.contains("final GTID position " + live), liveResult);
                try (Connection c = target.connect(t.users().admin())) {
                    assertEquals("1,2,3,4", Sql.value(c, "SELECT GROUP_CONCAT(id ORDER BY id) FROM svc.t")
                            .orElseThrow());
                }
            } finally {
                target.stop();
            }
            given().get("/clusters/nope/backups").then().statusCode(404).body("error", containsString("not backed up"));
        }
    }

    @Test
    void aDumpWithNoReachableSourceFailsWithItsCauseAndKeepsNothing() throws Exception {
        int dead = FreePorts.next();
        ClusterSpec spec = new ClusterSpec("bdead", ClusterKind.SEMI_SYNC, List.of(
                new NodeSpec("node1", "127.0.0.1", dead, null, null, null, null),
                new NodeSpec("node2", "127.0.0.1", FreePorts.next(), null, null, null, null)), null, null, null, null,
                null, null);
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        try (EventTap tap = new EventTap(bootstrap, BackupServiceInfra.TOPICS, "bdead", Topic.BACKUP)) {
            Specs.apply(bootstrap, BackupServiceInfra.TOPICS, spec);
            Waits.until("bdead owned", PATIENCE, () -> given().get("/clusters").asString().contains("bdead"));
            String noTopology = operator().post("/clusters/bdead/backups").then().statusCode(202).extract().path("jobId");
            assertTrue(awaitJob(noTopology, "FAILED").contains("no topology is known"));
            publishTopology(spec, 1, spec.nodes().get(0), List.of(spec.nodes().get(1)));
            Waits.until("bdead's writer known", PATIENCE, () -> given().get("/clusters").asString()
                    .contains("\"writer\":\"node1\""));
            String jobId = operator().post("/clusters/bdead/backups").then().statusCode(202).extract().path("jobId");
            String why = awaitJob(jobId, "FAILED");
            assertTrue(why.contains("node2") && why.contains("failed"), why);
            BackupFailed failed = tap.await("BackupFailed from node2", BackupFailed.class, 0,
                    e -> "node2".equals(e.sourceNode()), PATIENCE);
            assertEquals(why, failed.reason());
            given().get("/clusters/bdead/backups").then().statusCode(200).body("backups.status", hasItem("FAILED"))
                    .body("backups.artifact", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.nullValue()));
        }
    }
}
