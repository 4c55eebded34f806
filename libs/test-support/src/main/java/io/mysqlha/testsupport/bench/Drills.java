package io.mysqlha.testsupport.bench;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.events.Event;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What the failover and switchover drills share: the suite as processes, a cluster behind one listener, the timeline. */
final class Drills implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(90);

    final Topics topics;
    final Path dir;
    final List<ServiceProcess> services = new ArrayList<>();

    /** Starts probe, topology, failover and gateway on their own topic prefix of the shared broker. */
    Drills(String name) {
        topics = new Topics(name + ".");
        SharedInfra.kafka().provisionTopics(topics);
        dir = SharedInfra.dir(name);
        Suite suite = new Suite(SharedInfra.kafka().bootstrapServers(), topics,
                Secrets.write(dir.resolve("secrets"), DbUsers.LOCAL), dir);
        for (String s : List.of("health-probe", "topology", "failover", "proxy-gateway")) {
            services.add(suite.start(s));
        }
    }

    ServiceProcess service(String name) {
        return services.stream().filter(s -> s.service().equals(name)).findFirst().orElseThrow();
    }

    /**
     * A primary and two replicas of the flavour the drill runs on: MariaDB, or MySQL with {@code -Dflavour=mysql}
     * (FLAVOR=mysql bench/...).
     */
    static GtidTopology servers(java.nio.file.Path dir) {
        String flavour = System.getProperty("flavour", "mariadb");
        return switch (flavour) {
            case "mariadb" -> io.mysqlha.testsupport.servers.ReplicationTopology.startForTests(dir, 2);
            case "mysql" -> io.mysqlha.testsupport.servers.MySqlTopology.startForTests(dir, 2);
            default -> throw new IllegalArgumentException("flavour " + flavour + ": expected mariadb or mysql");
        };
    }

    /** Defines {@code cluster} from {@code t} with one read/write listener on {@code port}. */
    void define(GtidTopology t, String cluster, int port) {
        define(t.spec(cluster), port);
    }

    /** Defines {@code base}'s cluster with one read/write listener on {@code port}. */
    void define(ClusterSpec base, int port) {
        String cluster = base.clusterId();
        Specs.apply(SharedInfra.kafka().bootstrapServers(), topics, new ClusterSpec(cluster, base.kind(), base.nodes(),
                base.routing(), base.probe(), List.of(new ListenerSpec("rw", "127.0.0.1", port, ListenerRole.READ_WRITE,
                64)), base.backup(), base.credentials(), base.zonePreference()));
    }

    /** Prints the services' log tails, for a drill that could not go on. */
    void explain(Throwable e) {
        System.out.println("drill stopped: " + e.getMessage());
        services.forEach(s -> System.out.println("--- " + s.service() + " log tail:\n" + s.process().tail(60)));
    }

    @Override
    public void close() {
        services.forEach(ServiceProcess::close);
    }

    /** "+N ms": when the first event of {@code type} matching {@code match} after {@code from} was published. */
    static <T extends Event> String after(Instant from, EventTap tap, Class<T> type, Predicate<T> match) {
        return tap.all(type).stream().filter(e -> e.header().time().isAfter(from)).filter(match).findFirst()
                .map(e -> "+" + Duration.between(from, e.header().time()).toMillis() + " ms").orElse("(none)");
    }

    /** The writer of the latest topology with one. */
    static ServerNode writer(GtidTopology t, EventTap tap) {
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

    /** Median and max of {@code values}, e.g. "median 812 ms, max 1020 ms". */
    static String medianMax(List<Double> values, String unit) {
        return String.format("median %.0f %s, max %.0f %s", median(values), unit,
                values.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), unit);
    }

    /** The middle value of {@code values}, or the mean of the two middle ones when their count is even. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
