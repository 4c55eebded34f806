package io.mysqlha.failover.kafka;

import io.mysqlha.service.kafka.EventPublisher;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.health.ThreadState;
import io.mysqlha.failover.io.AdminAudit;
import io.mysqlha.failover.io.NodeRepair;
import io.mysqlha.failover.io.RecoveryContext;
import io.mysqlha.failover.io.RecoveryRunner;
import io.mysqlha.failover.io.RecoverySettings;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Owners that start while something is under way: one in dry-run mode that starts just after the primary died (it
 * must know the primary from the history it replays, and only say what it would do), and one that finds a recovery
 * its predecessor began and did not end (it must finish that one, on that candidate). Each owner is created by its
 * test, on the real probe's output, so no other owner acts on these clusters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverResumeIT {
    private static final Topics TOPICS = new Topics("foresume.");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Longer than the service's default, so an owner slow to join the group under load still replays the kill. */
    private static final Duration HEALTH_REPLAY = Duration.ofSeconds(60);
    private static final EventSource SOURCE = new EventSource("failover", "resume-it");
    private static Path secrets;
    private static ServiceProcess probe;
    private static Vertx vertx;
    private static EventPublisher publisher;

    @BeforeAll
    static void start() {
        SharedInfra.kafka().provisionTopics(TOPICS);
        Path dir = SharedInfra.dir("failover-resume-it");
        secrets = Secrets.write(dir.resolve("secrets"), DbUsers.LOCAL);
        probe = new Suite(bootstrap(), TOPICS, secrets, dir).start("health-probe");
        vertx = Vertx.vertx();
        publisher = new EventPublisher(SharedInfra.kafka().access(), "failover-resume-it", TOPICS);
    }

    @AfterAll
    static void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (vertx != null) {
            vertx.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    private static String bootstrap() {
        return SharedInfra.kafka().bootstrapServers();
    }

    private static FailoverOwner owner(String group, boolean dryRun) {
        RecoverySettings settings = new RecoverySettings(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(150));
        RecoveryContext context = new RecoveryContext(vertx, new SecretResolver(secrets, Map.of()), settings,
                Clock.systemUTC(), SOURCE, publisher::publish);
        FailoverOwner owner = new FailoverOwner(new FailoverOwner.Settings(SharedInfra.kafka().access(), group, TOPICS, SOURCE,
                HEALTH_REPLAY, Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(3), true,
                dryRun), Clock.systemUTC(), new RecoveryRunner(context), new NodeRepair(context),
                new AdminAudit(context), publisher);
        owner.start();
        Waits.until(group + " ready", PATIENCE, owner::ready);
        return owner;
    }

    /** A fresh cluster whose spec is applied, once the probe reported on every node. */
    private static ReplicationTopology cluster(String id, EventTap tap) {
        ReplicationTopology t = ReplicationTopology.startForTests(SharedInfra.dir(id), 2);
        Specs.apply(bootstrap(), TOPICS, t.spec(id));
        Waits.until("observations of every node of " + id, PATIENCE, () -> tap.all(NodeHealthObserved.class).stream()
                .filter(NodeHealthObserved::reachable).map(NodeHealthObserved::nodeId).distinct().count() == 3);
        return t;
    }

    private static String value(MariaDbNode n, ReplicationTopology t, String sql) throws Exception {
        try (Connection c = n.connect(t.users().admin())) {
            return Sql.value(c, sql).orElse(null);
        }
    }

    @Test
    @Order(1)
    void shouldKnowThePrimaryFromHistoryAndOnlySayWhatItWouldDoInDryRun() throws Exception {
        try (EventTap tap = new EventTap(bootstrap(), TOPICS, "dry", Topic.HEALTH, Topic.FAILOVER);
             ReplicationTopology t = cluster("dry", tap)) {
            t.primary().kill();
            Waits.until("the replicas seen disconnected from node1", PATIENCE, () -> t.replicas().stream()
                    .allMatch(r -> tap.all(NodeHealthObserved.class).stream().anyMatch(o -> o.nodeId().equals(r.name())
                            && o.reachable() && o.replication() != null
                            && o.replication().ioThread() != ThreadState.RUNNING)));
            try (FailoverOwner owner = owner("resume-it-dry", true)) {
                dryRun(t, tap);
            }
        }
    }

    private static void dryRun(ReplicationTopology t, EventTap tap) throws Exception {
        FailoverStarted started = tap.await("a dry-run FailoverStarted", FailoverStarted.class, 0, s -> true,
                PATIENCE);
        assertTrue(started.dryRun());
        FailoverStepCompleted said = tap.await("the dry-run step", FailoverStepCompleted.class, 0,
                s -> s.failoverId().equals(started.failoverId()), PATIENCE);
        assertEquals("dry-run", said.step());
        assertTrue(said.detail().startsWith("would fence node1, promote " + started.candidate()), said.detail());
        for (MariaDbNode r : t.replicas()) {
            assertEquals("1", value(r, t, "SELECT @@read_only"), r + " untouched");
            try (Connection c = r.connect(t.users().admin())) {
                assertEquals(Integer.toString(t.primary().port()),
                        Sql.rows(c, "SHOW SLAVE STATUS").getFirst().get("Master_Port"), r + " still points at node1");
            }
        }
        assertTrue(tap.all(FailoverCompleted.class).isEmpty());
    }

    @Test
    @Order(2)
    void shouldFinishARecoveryItsPredecessorBeganOnTheSameCandidate() throws Exception {
        try (EventTap tap = new EventTap(bootstrap(), TOPICS, "resume", Topic.HEALTH, Topic.FAILOVER);
             ReplicationTopology t = cluster("resume", tap)) {
            t.primary().kill();
            // the predecessor elected node3, announced it, stopped its replication, and died
            MariaDbNode node3 = t.node("node3");
            try (Connection c = node3.connect(t.users().admin())) {
                Sql.execute(c, "STOP SLAVE", "RESET SLAVE ALL");
            }
            publisher.publish(new FailoverStarted(EventHeader.of(FailoverStarted.class, "resume", Clock.systemUTC(),
                    new EventSource("failover", "predecessor")), "fo-predecessor", FailoverKind.FAILOVER,
                    "DeadPrimary", "node1", "node3", 1, false));
            try (FailoverOwner owner = owner("resume-it", false)) {
                FailoverCompleted done = tap.await("the predecessor's failover completed", FailoverCompleted.class, 0,
                        f -> true, PATIENCE);
                assertEquals("fo-predecessor", done.failoverId());
                assertEquals("node3", done.newPrimary());
                assertEquals(1, done.epoch());
                assertEquals("0", value(node3, t, "SELECT @@read_only"));
                Waits.until("node2 replicating from node3", PATIENCE, () -> {
                    try (Connection c = t.node("node2").connect(t.users().admin())) {
                        Map<String, String> s = Sql.rows(c, "SHOW SLAVE STATUS").getFirst();
                        return s.get("Master_Port").equals(Integer.toString(node3.port()))
                                && "Yes".equals(s.get("Slave_SQL_Running"));
                    }
                });
                assertEquals(List.of("fo-predecessor"), tap.all(FailoverStarted.class).stream()
                        .map(FailoverStarted::failoverId).distinct().toList(), "no second recovery was started");
            }
        }
    }
}
