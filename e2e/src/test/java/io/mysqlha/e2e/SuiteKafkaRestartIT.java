package io.mysqlha.e2e;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.KafkaBroker;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker stopped and restarted under a client writing through the gateway, with its own broker and the suite
 * (probe, topology, failover, gateway) as processes: the gateway keeps routing on its last topology (fail static)
 * with no client error and says Kafka is gone; once the broker is back the services consume again, shown by a
 * switchover that goes through Kafka end to end, still with no client error.
 */
class SuiteKafkaRestartIT {
    private static final Topics TOPICS = new Topics("suite-kafka.");
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String CLUSTER = "kr";

    @Test
    void theGatewayRoutesThroughABrokerRestartAndTheSuiteResumes() throws Exception {
        Path dir = SharedInfra.dir("suite-kafka-it");
        KafkaBroker broker = KafkaBroker.startForTests(dir.resolve("kafka"));
        List<ServiceProcess> services = new ArrayList<>();
        ReplicationTopology t = ReplicationTopology.startForTests(dir.resolve("db"), 2);
        AtomicBoolean stop = new AtomicBoolean();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> errors = new CopyOnWriteArrayList<>();
        Thread client = null;
        try {
            broker.provisionTopics(TOPICS);
            String bootstrap = broker.bootstrapServers();
            Suite suite = new Suite(bootstrap, TOPICS, Secrets.write(dir.resolve("secrets"), t.users()), dir);
            for (String s : List.of("health-probe", "topology", "failover", "proxy-gateway")) {
                services.add(suite.start(s));
            }
            ServiceProcess failover = services.get(2);
            ServiceProcess gateway = services.get(3);
            int port = FreePorts.next();
            ClusterSpec base = t.spec(CLUSTER);
            Specs.apply(bootstrap, TOPICS, Gateways.withListener(base, null, port));
            Connection c = Gateways.client(port, PATIENCE);
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS app.through (id INT PRIMARY KEY)");
            client = Thread.ofPlatform().daemon().start(() -> {
                try (c) {
                    for (int i = 1; !stop.get(); i++) {
                        try {
                            Sql.execute(c, "INSERT INTO app.through VALUES (" + i + ")");
                            acknowledged.add(i);
                        } catch (SQLException e) {
                            errors.add(e.getMessage());
                        }
                    }
                } catch (SQLException e) {
                    errors.add("closing: " + e.getMessage());
                }
            });
            Waits.until("200 inserts through the gateway", PATIENCE, () -> acknowledged.size() >= 200);
            Waits.until("failover owning " + CLUSTER, PATIENCE, () -> failover.get("/q/health/ready").body()
                    .contains(CLUSTER));

            broker.stop();
            int down = acknowledged.size();
            Waits.until("300 inserts with the broker down", PATIENCE, () -> acknowledged.size() >= down + 300);
            var health = gateway.get("/q/health/ready");
            System.out.println("gateway readiness with Kafka down: " + health.statusCode() + " " + health.body());
            assertEquals(200, health.statusCode(), "the gateway stays ready: it fails static");
            assertTrue(health.body().replace(" ", "").contains("\"reachable\":false"), "and says Kafka is gone: "
                    + health.body());
            int whileDown = acknowledged.size() - down;

            broker.start();
            // the request may reach the owner before or after it has rejoined its group: acted on either way
            try (EventTap tap = new EventTap(bootstrap, TOPICS, CLUSTER, Topic.FAILOVER, Topic.TOPOLOGY)) {
                var answer = failover.post("/clusters/" + CLUSTER + "/switchover?by=it");
                assertEquals(202, answer.statusCode(), answer.body());
                FailoverCompleted done;
                try {
                    done = tap.await("a switchover after the restart", FailoverCompleted.class, 0,
                            f -> f.kind() == FailoverKind.SWITCHOVER, PATIENCE);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; failover events: " + tap.all(
                            io.mysqlha.events.Event.class) + "\nfailover's log:\n" + failover.process().tail(80), e);
                }
                tap.await("the gateway's topology naming " + done.newPrimary(), TopologyChanged.class, 0,
                        tc -> !tc.writers().isEmpty() && tc.writers().getFirst().nodeId().equals(done.newPrimary()),
                        PATIENCE);
                int after = acknowledged.size();
                Waits.until("200 inserts on " + done.newPrimary(), PATIENCE, () -> acknowledged.size() >= after + 200);
                stop.set(true);
                client.join(10_000);
                System.out.printf("Kafka restart: %d inserts while the broker was down, switchover %s -> %s after"
                        + " it, %d acknowledged in all, errors %s%n", whileDown, done.oldPrimary(), done.newPrimary(),
                        acknowledged.size(), errors);
                assertEquals(List.of(), errors, "no client error across the broker restart and the switchover");
                try (Connection admin = t.node(done.newPrimary()).connect(t.users().admin())) {
                    Set<Integer> present = Sql.rows(admin, "SELECT id FROM app.through").stream()
                            .map(r -> Integer.parseInt(r.get("id"))).collect(Collectors.toSet());
                    assertTrue(present.containsAll(acknowledged), "every acknowledged insert is on the new primary");
                }
            }
        } finally {
            stop.set(true);
            if (client != null) {
                client.join(10_000);
            }
            services.forEach(ServiceProcess::close);
            t.close();
            broker.close();
        }
    }
}
