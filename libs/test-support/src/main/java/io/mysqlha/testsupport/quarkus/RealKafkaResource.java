package io.mysqlha.testsupport.quarkus;

import io.mysqlha.testsupport.SharedInfra;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a @QuarkusTest at the JVM's real broker (started on first use, topics provisioned). */
public class RealKafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        return Map.of("mysqlha.kafka.bootstrap-servers", bootstrap, "kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        // the broker is shared by the JVM's tests and stopped by SharedInfra at exit
    }
}
