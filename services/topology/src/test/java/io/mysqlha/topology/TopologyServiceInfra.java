package io.mysqlha.topology;

import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.SharedInfra;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** The real broker, the JVM's semi-sync topology, and the real probe on the service test's own topics. */
public class TopologyServiceInfra implements QuarkusTestResourceLifecycleManager {
    public static final Topics TOPICS = new Topics("service-it.");

    @Override
    public Map<String, String> start() {
        SharedInfra.replicationTopology();
        TopologyInfra.probeFor(TOPICS);
        return Map.of("mysqlha.kafka.bootstrap-servers", TopologyInfra.bootstrap(),
                "mysqlha.topic-prefix", TOPICS.prefix(),
                "mysqlha.topology.group-id", "topology-service-it");
    }

    @Override
    public void stop() {
        // shared infrastructure stops at JVM exit
    }
}
