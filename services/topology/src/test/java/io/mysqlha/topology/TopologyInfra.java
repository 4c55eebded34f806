package io.mysqlha.topology;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.services.ServiceProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What topology's integration tests stand on: the JVM's real broker, topics under a prefix of the test's own (so
 * test classes never see each other's clusters), and the real health probe, started from its packaged
 * application, probing every cluster applied under that prefix.
 */
public final class TopologyInfra {
    private static final Map<String, ServiceProcess> PROBES = new HashMap<>();

    private TopologyInfra() {
    }

    public static String bootstrap() {
        return SharedInfra.kafka().bootstrapServers();
    }

    /** Provisions the prefix's topics and starts a health probe on them (once per prefix and JVM). */
    public static synchronized void probeFor(Topics topics) {
        if (PROBES.containsKey(topics.prefix())) {
            return;
        }
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("probe");
        try {
            var monitor = DbUsers.LOCAL.monitor();
            Files.writeString(dir.resolve("mysqlha-monitor"),
                    "user=" + monitor.name() + "\npassword=" + monitor.password().reveal() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PROBES.put(topics.prefix(), ServiceProcess.start("health-probe", Map.of(
                "mysqlha.kafka.bootstrap-servers", bootstrap(),
                "mysqlha.topic-prefix", topics.prefix(),
                "mysqlha.secrets-dir", dir.toString(),
                "mysqlha.instance-id", "probe-" + topics.prefix().replaceAll("[^a-zA-Z0-9-]", ""),
                "mysqlha.probe.group-id", "probe-" + topics.prefix()), dir));
    }

    public static void apply(Topics topics, ClusterSpec spec) throws Exception {
        io.mysqlha.testsupport.kafka.Specs.apply(bootstrap(), topics, spec);
    }
}
