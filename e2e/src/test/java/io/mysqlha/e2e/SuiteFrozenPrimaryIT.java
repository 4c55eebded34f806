package io.mysqlha.e2e;

import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailureAnalyzed;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frozen primary (SIGSTOP: its port open, nothing answered), on MariaDB and on MySQL, with probe, topology and
 * failover as processes: while the replicas still replicate from it the suite only says the primary is
 * unreachable; once they lose it too, it fails over; the primary thawed afterwards is fenced, and no topology ever
 * names two writers.
 */
class SuiteFrozenPrimaryIT {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String CLUSTER = "frozen";

    static List<Flavours.Of> flavours() {
        return Flavours.BOTH;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavours")
    void aFrozenPrimaryIsFailedOverOnlyOnceItsReplicasLoseItAndIsFencedWhenItThaws(Flavours.Of flavour)
            throws Exception {
        Topics topics = new Topics("suite-frozen-" + flavour.tag() + ".");
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("suite-frozen-it-" + flavour.tag());
        List<ServiceProcess> services = new ArrayList<>();
        GtidTopology t = flavour.start(dir.resolve("db"));
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        ServerNode primary = t.primary();
        try (EventTap tap = new EventTap(bootstrap, topics, CLUSTER, Topic.TOPOLOGY, Topic.FAILOVER)) {
            Suite suite = new Suite(bootstrap, topics, Secrets.write(dir.resolve("secrets"), t.users()), dir);
            for (String s : List.of("health-probe", "topology", "failover")) {
                services.add(suite.start(s));
            }
            Specs.apply(bootstrap, topics, t.spec(CLUSTER));
            tap.await(primary.name() + " the writer", TopologyChanged.class, 0, c -> c.writers().size() == 1
                    && c.writers().getFirst().nodeId().equals(primary.name()), PATIENCE);
            Waits.until("failover ready", PATIENCE, () -> services.get(2).get("/q/health/ready").statusCode() == 200);

            Instant frozen = Instant.now();
            primary.freeze();
            FailoverCompleted done;
            try {
                done = tap.await("the failover of the frozen primary", FailoverCompleted.class, 0,
                        f -> f.kind() == FailoverKind.FAILOVER, PATIENCE);
            } finally {
                primary.thaw();
            }
            List<FailureAnalyzed> analyses = tap.all(FailureAnalyzed.class).stream()
                    .filter(a -> a.header().time().isAfter(frozen) && !a.problem().equals("NoProblem")).toList();
            FailoverStarted started = tap.all(FailoverStarted.class).stream()
                    .filter(f -> f.header().time().isAfter(frozen)).findFirst().orElseThrow();
            System.out.printf("frozen primary: analyses %s; FailoverStarted %d ms after the freeze, %s -> %s%n",
                    analyses.stream().map(a -> a.problem() + "@+" + java.time.Duration.between(frozen,
                            a.header().time()).toMillis() + "ms").toList(),
                    java.time.Duration.between(frozen, started.header().time()).toMillis(), done.oldPrimary(),
                    done.newPrimary());
            assertEquals("UnreachablePrimary", analyses.getFirst().problem(),
                    "first the probes lose it while the replicas still replicate: " + analyses);
            assertEquals("none", analyses.getFirst().action(), "no failover on that alone");
            FailureAnalyzed dead = analyses.stream().filter(a -> a.problem().startsWith("DeadPrimary")).findFirst()
                    .orElseThrow(() -> new AssertionError("no DeadPrimary analysis: " + analyses));
            assertTrue(!started.header().time().isBefore(dead.header().time()),
                    "failover began only once the replicas lost the primary too");
            assertEquals(primary.name(), done.oldPrimary());

            // thawed, the old primary believes it is still the writer: the suite fences it
            Waits.until(primary + " fenced (read_only) after the thaw", PATIENCE, () -> {
                try (Connection c = primary.connect(t.users().admin())) {
                    return Sql.value(c, "SELECT @@read_only").orElse("0").equals("1");
                }
            });
            List<TopologyChanged> all = tap.all(TopologyChanged.class);
            assertTrue(all.stream().allMatch(c -> c.writers().size() <= 1), "never two writers: " + all.stream()
                    .filter(c -> c.writers().size() > 1).toList());
            TopologyChanged last = all.getLast();
            assertEquals(done.newPrimary(), last.writers().isEmpty() ? null : last.writers().getFirst().nodeId());
        } finally {
            services.forEach(ServiceProcess::close);
            t.close();
        }
    }
}
