package io.mysqlha.e2e;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.GaleraCluster;
import io.mysqlha.testsupport.servers.MariaDbNode;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3-node Galera cluster behind the gateway with max_writers=1, probe, topology and gateway as processes: the
 * writer is killed under a client writing through the gateway; a backup writer takes over, the client's
 * connection survives and it keeps writing, and no topology names two writers.
 */
class SuiteGaleraIT {
    private static final Topics TOPICS = new Topics("suite-galera.");
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String CLUSTER = "gal";

    @Test
    void aBackupWriterTakesOverWhenTheGaleraWriterIsKilled() throws Exception {
        SharedInfra.kafka().provisionTopics(TOPICS);
        Path dir = SharedInfra.dir("suite-galera-it");
        List<ServiceProcess> services = new ArrayList<>();
        GaleraCluster g = GaleraCluster.startForTests(dir.resolve("galera"), 3);
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean lost = new AtomicBoolean();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> errors = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicLong killedAt = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong firstAfterKill = new java.util.concurrent.atomic.AtomicLong();
        Thread client = null;
        try (EventTap tap = new EventTap(bootstrap, TOPICS, CLUSTER, Topic.TOPOLOGY)) {
            try (Connection c = g.nodes().getFirst().connect(g.users().admin())) {
                Sql.execute(c, "CREATE DATABASE IF NOT EXISTS app", "CREATE TABLE IF NOT EXISTS app.gal (id INT PRIMARY KEY)");
            }
            Suite suite = new Suite(bootstrap, TOPICS, Secrets.write(dir.resolve("secrets"), g.users()), dir);
            for (String s : List.of("health-probe", "topology", "proxy-gateway")) {
                services.add(suite.start(s));
            }
            int port = FreePorts.next();
            ClusterSpec base = g.spec(CLUSTER);
            Specs.apply(bootstrap, TOPICS, Gateways.withListener(base, new RoutingPolicy(1, null, null, null, false),
                    port));
            TopologyChanged first = tap.await("one writer and backup writers", TopologyChanged.class, 0,
                    tc -> tc.writers().size() == 1 && tc.backupWriters().size() == 2, PATIENCE);
            MariaDbNode writer = g.nodes().stream().filter(n -> n.name().equals(first.writers().getFirst().nodeId()))
                    .findFirst().orElseThrow();
            Connection c = Gateways.client(port, PATIENCE);
            client = Thread.ofPlatform().daemon().start(() -> {
                try (c) {
                    for (int i = 1; !stop.get(); i++) {
                        try {
                            long began = System.nanoTime();
                            Sql.execute(c, "INSERT INTO app.gal VALUES (" + i + ")");
                            acknowledged.add(i);
                            if (killedAt.get() != 0 && began > killedAt.get()) {
                                firstAfterKill.compareAndSet(0, System.nanoTime());
                            }
                        } catch (SQLException e) {
                            errors.add(e.getMessage());
                            if (c.isClosed()) {
                                lost.set(true);
                                return;
                            }
                        }
                    }
                } catch (SQLException e) {
                    lost.set(true);
                }
            });
            Waits.until("200 inserts on " + writer.name(), PATIENCE, () -> acknowledged.size() >= 200);
            int topologies = tap.all(TopologyChanged.class).size();
            killedAt.set(System.nanoTime());
            writer.kill();
            TopologyChanged next = tap.await("another writer", TopologyChanged.class, topologies,
                    tc -> tc.writers().size() == 1 && !tc.writers().getFirst().nodeId().equals(writer.name()), PATIENCE);
            int before = acknowledged.size();
            Waits.until("200 inserts on " + next.writers().getFirst().nodeId(), PATIENCE, () -> {
                assertFalse(lost.get(), "the client's connection was closed: " + errors);
                return acknowledged.size() >= before + 200;
            });
            stop.set(true);
            client.join(10_000);
            System.out.printf("Galera: writer %s killed, %s took over; first insert begun after the kill acknowledged"
                            + " %d ms after it; %d inserts acknowledged, errors %s%n", writer.name(),
                    next.writers().getFirst().nodeId(), (firstAfterKill.get() - killedAt.get()) / 1_000_000,
                    acknowledged.size(), errors);
            assertFalse(lost.get());
            assertTrue(errors.size() <= 1, "at most the statement in flight fails: " + errors);
            MariaDbNode now = g.nodes().stream().filter(n -> n.name().equals(next.writers().getFirst().nodeId()))
                    .findFirst().orElseThrow();
            try (Connection admin = now.connect(g.users().admin())) {
                Set<Integer> present = Sql.rows(admin, "SELECT id FROM app.gal").stream()
                        .map(r -> Integer.parseInt(r.get("id"))).collect(Collectors.toSet());
                assertEquals(List.of(), acknowledged.stream().filter(i -> !present.contains(i)).sorted().toList(),
                        "acknowledged inserts missing");
            }
            assertTrue(tap.all(TopologyChanged.class).stream().allMatch(tc -> tc.writers().size() <= 1));
        } finally {
            stop.set(true);
            if (client != null) {
                client.join(10_000);
            }
            services.forEach(ServiceProcess::close);
            g.close();
        }
    }
}
