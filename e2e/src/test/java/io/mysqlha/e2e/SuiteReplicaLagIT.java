package io.mysqlha.e2e;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.MariaDbNode;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica whose SQL thread stops, with probe, topology and the gateway as processes: it leaves the readers and
 * ReplicationStopped is raised; restarted, it comes back and the alert is resolved. Meanwhile one client writes
 * a row and reads it back through the splitting listener (reads on the replicas, causal reads on): it never
 * misses its own write.
 */
class SuiteReplicaLagIT {
    private static final Topics TOPICS = new Topics("suite-lag.");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String CLUSTER = "lag";

    private static boolean reads(TopologyChanged t, String node) {
        return t.readers().stream().anyMatch(n -> n.nodeId().equals(node));
    }

    /** The gateway's statements per backend address, from its Prometheus metrics. */
    private static java.util.Map<String, Double> statementsByNode(ServiceProcess gateway) throws Exception {
        java.util.Map<String, Double> byNode = new java.util.TreeMap<>();
        var pattern = java.util.regex.Pattern.compile("^mysqlha_gateway_statements_total\\{.*node=\"([^\"]+)\".*\\}"
                + " ([0-9.E+]+)$");
        for (String line : gateway.get("/q/metrics").body().split("\n")) {
            var m = pattern.matcher(line);
            if (m.find() && line.contains("cluster=\"" + CLUSTER + "\"")) {
                byNode.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return byNode;
    }

    @Test
    void aStoppedReplicaLeavesTheReadersAndNoReadIsStaleMeanwhile() throws Exception {
        SharedInfra.kafka().provisionTopics(TOPICS);
        Path dir = SharedInfra.dir("suite-lag-it");
        List<ServiceProcess> services = new ArrayList<>();
        ReplicationTopology t = ReplicationTopology.startForTests(dir.resolve("db"), 2);
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        int port = FreePorts.next();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> stale = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicInteger rounds = new AtomicInteger();
        Thread client = null;
        try (EventTap tap = new EventTap(bootstrap, TOPICS, CLUSTER, Topic.TOPOLOGY, Topic.ALERTS)) {
            Suite suite = new Suite(bootstrap, TOPICS, Secrets.write(dir.resolve("secrets"), t.users()), dir);
            for (String s : List.of("health-probe", "topology", "proxy-gateway")) {
                services.add(suite.start(s));
            }
            ClusterSpec base = t.spec(CLUSTER);
            Specs.apply(bootstrap, TOPICS, Gateways.withListener(base, new RoutingPolicy(1, 0, null, null, true), port));
            tap.await("both replicas reading", TopologyChanged.class, 0, c -> c.readers().size() == 2, PATIENCE);
            Connection c = Gateways.client(port, PATIENCE);
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS app.own (id INT PRIMARY KEY)");
            client = Thread.ofPlatform().daemon().start(() -> {
                try (c) {
                    for (int i = 1; !stop.get(); i++) {
                        try {
                            Sql.execute(c, "INSERT INTO app.own VALUES (" + i + ")");
                            String seen = Sql.value(c, "SELECT COUNT(*) FROM app.own WHERE id = " + i).orElse("0");
                            if (!seen.equals("1")) {
                                stale.add("row " + i + " not seen right after its insert");
                            }
                            rounds.incrementAndGet();
                        } catch (SQLException e) {
                            errors.add(e.getMessage());
                        }
                    }
                } catch (SQLException e) {
                    errors.add("closing: " + e.getMessage());
                }
            });
            Waits.until("100 write-then-read rounds", PATIENCE, () -> rounds.get() >= 100);
            // the replica this session reads from is the one to stop: its reads must not go stale meanwhile
            java.util.Map<String, Double> before = statementsByNode(services.get(2));
            MariaDbNode lagging = t.replicas().stream().filter(r -> before.getOrDefault(r.host() + ":" + r.port(), 0.0) > 0)
                    .findFirst().orElseThrow(() -> new AssertionError("no reads on a replica: " + before));

            try (Connection admin = lagging.connect(t.users().admin())) {
                Sql.execute(admin, "STOP SLAVE SQL_THREAD");
            }
            int topologies = tap.all(TopologyChanged.class).size();
            AlertRaised raised = tap.await("ReplicationStopped for " + lagging.name(), AlertRaised.class, 0,
                    a -> a.name().equals("ReplicationStopped") && lagging.name().equals(a.nodeId()), PATIENCE);
            tap.await(lagging.name() + " out of the readers", TopologyChanged.class, topologies,
                    tc -> !reads(tc, lagging.name()), PATIENCE);
            int during = rounds.get();
            Waits.until("100 more rounds with " + lagging.name() + " stopped", PATIENCE, () -> rounds.get() >= during + 100);

            try (Connection admin = lagging.connect(t.users().admin())) {
                Sql.execute(admin, "START SLAVE SQL_THREAD");
            }
            tap.await(lagging.name() + " back in the readers", TopologyChanged.class, topologies,
                    tc -> reads(tc, lagging.name()), PATIENCE);
            tap.await("ReplicationStopped resolved", AlertResolved.class, 0,
                    a -> a.alertId().equals(raised.alertId()), PATIENCE);
            int after = rounds.get();
            Waits.until("100 rounds after it is back", PATIENCE, () -> rounds.get() >= after + 100);
            stop.set(true);
            client.join(10_000);
            System.out.printf("replica lag: %s stopped and restarted under %d write-then-read rounds; alert '%s';"
                    + " stale reads %d, errors %d%n", lagging.name(), rounds.get(), raised.summary(), stale.size(),
                    errors.size());
            java.util.Map<String, Double> byNode = statementsByNode(services.get(2));
            System.out.println("statements by node through the gateway: " + byNode);
            MariaDbNode other = t.replicas().stream().filter(r -> r != lagging).findFirst().orElseThrow();
            assertTrue(byNode.getOrDefault(other.host() + ":" + other.port(), 0.0) > 0,
                    "the session's reads moved to " + other + ": " + byNode);
            assertEquals(List.of(), stale, "every read saw the client's own write");
            assertEquals(List.of(), errors);
            List<TopologyChanged> steady = Gateways.fromFirstWriter(tap.all(TopologyChanged.class));
            assertTrue(steady.stream().allMatch(tc -> tc.writers().size() == 1), "one writer throughout: " + steady);
        } finally {
            stop.set(true);
            if (client != null) {
                client.join(10_000);
            }
            services.forEach(ServiceProcess::close);
            t.close();
        }
    }
}
