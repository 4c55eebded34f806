package io.mysqlha.testsupport.bench;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.events.Event;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
import io.mysqlha.events.FailureAnalyzed;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.mariadb.MariaDbNode;
import io.mysqlha.testsupport.mariadb.ReplicationTopology;
import io.mysqlha.testsupport.mariadb.Sql;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Repeated kill -9 drills through the gateway: the whole suite as processes (probe, topology, failover, gateway) on
 * its own broker and semi-sync topology; one client inserts in a loop through the read/write listener. Per drill:
 * kill to the first write that began after the kill and succeeded, client errors, acknowledged writes missing on
 * the new primary, and the event timeline read back from Kafka. Then the old primary is restarted and rejoins
 * before the next drill. Prints figures; asserts nothing.
 */
public final class FailoverDrill {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String CLUSTER = "drill";

    private record Insert(int id, long began, long ended, boolean ok) {
    }

    private record Result(double killToWriteMs, int errors, long lost, String timeline, String oldPrimaryBack) {
    }

    private FailoverDrill() {
    }

    public static void main(String[] args) throws Exception {
        int drills = Integer.getInteger("drills", 5);
        Topics topics = new Topics("drill.");
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("drill");
        Suite suite = new Suite(SharedInfra.kafka().bootstrapServers(), topics,
                Secrets.write(dir.resolve("secrets"), io.mysqlha.testsupport.mariadb.DbUsers.LOCAL), dir);
        List<ServiceProcess> services = new ArrayList<>();
        for (String s : List.of("health-probe", "topology", "failover", "proxy-gateway")) {
            services.add(suite.start(s));
        }
        List<Result> results = new ArrayList<>();
        try {
            // each drill on a fresh cluster: an old primary killed mid-commit may hold a transaction nobody has, and
            // then (rightly) stays out, which would leave the next drill a node short
            for (int i = 1; i <= drills; i++) {
                try (ReplicationTopology t = ReplicationTopology.startForTests(dir.resolve("db-" + i), 2)) {
                    String cluster = "drill-" + i;
                    int rw = FreePorts.next();
                    ClusterSpec base = t.spec(cluster);
                    apply(topics, new ClusterSpec(cluster, base.kind(), base.nodes(), null, null,
                            List.of(new ListenerSpec("rw", "127.0.0.1", rw, ListenerRole.READ_WRITE, 64)), null,
                            null, null));
                    try (EventTap tap = new EventTap(SharedInfra.kafka().bootstrapServers(), topics, cluster,
                            Topic.TOPOLOGY, Topic.FAILOVER)) {
                        Waits.until("writes through the gateway", PATIENCE, () -> {
                            try (Connection c = client(rw)) {
                                Sql.execute(c, "CREATE TABLE IF NOT EXISTS drill (id INT PRIMARY KEY)");
                                return true;
                            }
                        });
                        Result r = drill(t, tap, rw);
                        results.add(r);
                        System.out.printf("drill %d: kill to first write %.0f ms, client errors %d, lost acknowledged"
                                + " writes %d, old primary back: %s%n    %s%n", i, r.killToWriteMs(), r.errors(),
                                r.lost(), r.oldPrimaryBack(), r.timeline());
                    }
                }
            }
        } catch (RuntimeException e) {
            System.out.println("drill stopped: " + e.getMessage());
            services.forEach(s -> System.out.println("--- " + s.service() + " log tail:\n" + s.process().tail(30)));
        } finally {
            services.forEach(ServiceProcess::close);
        }
        if (!results.isEmpty()) {
            List<Double> times = results.stream().map(Result::killToWriteMs).sorted().toList();
            System.out.printf("%nfailover drills: %d, kill to first write through the gateway: median %.0f ms, max %.0f ms;"
                    + " client errors %d in total; lost acknowledged writes %d%n", results.size(),
                    times.get(times.size() / 2), times.getLast(), results.stream().mapToInt(Result::errors).sum(),
                    results.stream().mapToLong(Result::lost).sum());
        }
        System.exit(0);
    }

    private static Result drill(ReplicationTopology t, EventTap tap, int rw) throws Exception {
        int firstId = 1;
        MariaDbNode primary = writer(t, tap);
        int completedBefore = tap.all(FailoverCompleted.class).size();
        List<Insert> inserts = new CopyOnWriteArrayList<>();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try (Connection c = client(rw)) {
                for (int id = firstId; !stop.get(); id++) {
                    long began = System.nanoTime();
                    boolean ok = true;
                    try {
                        Sql.execute(c, "INSERT INTO drill VALUES (" + id + ")");
                        acknowledged.add(id);
                    } catch (SQLException e) {
                        ok = false;
                        if (c.isClosed()) {
                            return;
                        }
                    }
                    inserts.add(new Insert(id, began, System.nanoTime(), ok));
                }
            } catch (SQLException e) {
                System.out.println("client connection failed: " + e.getMessage());
            }
        });
        Waits.until("200 inserts", PATIENCE, () -> acknowledged.size() >= 200);
        Instant killedAt = Instant.now();
        long kill = System.nanoTime();
        primary.kill(); // returns once the process is gone: no write begun after this can reach it
        long killed = System.nanoTime();
        Waits.until("a write after the kill", PATIENCE, () -> inserts.stream().anyMatch(x -> x.ok() && x.began() > killed));
        Waits.until("200 more inserts", PATIENCE, () -> inserts.stream().filter(x -> x.ok() && x.began() > killed)
                .count() >= 200);
        stop.set(true);
        writer.join(10_000);
        Insert first = inserts.stream().filter(x -> x.ok() && x.began() > killed).findFirst().orElseThrow();
        FailoverCompleted done = tap.await("FailoverCompleted", FailoverCompleted.class, completedBefore, f -> true,
                PATIENCE);
        MariaDbNode promoted = t.node(done.newPrimary());
        long lost;
        try (Connection c = promoted.connect(t.users().admin())) {
            Set<Integer> present = Sql.rows(c, "SELECT id FROM app.drill WHERE id >= " + firstId).stream()
                    .map(r -> Integer.parseInt(r.get("id"))).collect(Collectors.toSet());
            lost = acknowledged.stream().filter(id -> !present.contains(id)).count();
        }
        String timeline = "detected " + after(killedAt, tap, FailureAnalyzed.class, a -> a.problem().equals("DeadPrimary"))
                + ", decided " + after(killedAt, tap, FailoverStarted.class, s -> true)
                + ", promoted " + after(killedAt, tap, FailoverCompleted.class, f -> f.failoverId().equals(done.failoverId()))
                + ", topology " + after(killedAt, tap, TopologyChanged.class, c -> c.epoch() == done.epoch()
                && !c.writers().isEmpty())
                + ", gateway's first write " + String.format("+%.0f ms", (first.ended() - kill) / 1e6)
                + " (" + done.oldPrimary() + " -> " + done.newPrimary() + ", steps " + done.stepDurationsMillis() + ")";
        t.restart(primary);
        FailoverStepCompleted back = tap.await(primary.name() + " rejoined or refused", FailoverStepCompleted.class, 0,
                s -> s.step().startsWith("rejoin") && s.detail().startsWith(primary.name())
                        && s.header().time().isAfter(killedAt), PATIENCE);
        return new Result((first.ended() - kill) / 1e6, (int) inserts.stream().filter(x -> !x.ok()).count(), lost,
                timeline, back.step());
    }

    private static <T extends Event> String after(Instant killed, EventTap tap, Class<T> type, Predicate<T> match) {
        return tap.all(type).stream().filter(e -> e.header().time().isAfter(killed)).filter(match).findFirst()
                .map(e -> "+" + Duration.between(killed, e.header().time()).toMillis() + " ms").orElse("(none)");
    }

    /** The writer of the latest topology with one. */
    private static MariaDbNode writer(ReplicationTopology t, EventTap tap) {
        return Waits.forValue("a writer in the topology", PATIENCE, () -> {
            List<TopologyChanged> all = tap.all(TopologyChanged.class);
            for (int i = all.size() - 1; i >= 0; i--) {
                if (!all.get(i).writers().isEmpty()) {
                    return t.node(all.get(i).writers().getFirst().nodeId());
                }
            }
            return null;
        });
    }

    private static Connection client(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
    }

    private static void apply(Topics topics, ClusterSpec spec) {
        io.mysqlha.testsupport.kafka.Specs.apply(SharedInfra.kafka().bootstrapServers(), topics, spec);
    }
}
