package io.mysqlha.failover;

import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.services.Secrets;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** The real broker and the service test's own topics and secrets. */
public class FailoverServiceInfra implements QuarkusTestResourceLifecycleManager {
    public static final Topics TOPICS = new Topics("failover-svc.");

    @Override
    public Map<String, String> start() {
        SharedInfra.kafka().provisionTopics(TOPICS);
        var secrets = Secrets.write(SharedInfra.dir("failover-svc").resolve("secrets"),
                io.mysqlha.testsupport.servers.DbUsers.LOCAL);
        return Map.of("mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                "mysqlha.topic-prefix", TOPICS.prefix(),
                "mysqlha.secrets-dir", secrets.toString(),
                "mysqlha.failover.group-id", "failover-service-it");
    }

    @Override
    public void stop() {
        // shared infrastructure stops at JVM exit
    }
}
