package io.mysqlha.gateway;

import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.mariadb.ReplicationTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Real Kafka and a real semi-sync topology; the gateway passes through to its primary and first replica. */
public class GatewayTestInfra implements QuarkusTestResourceLifecycleManager {
    static final int MAX_CONNECTIONS = 8;
    static int rwPort;
    static int roPort;

    @Override
    public Map<String, String> start() {
        ReplicationTopology t = SharedInfra.replicationTopology();
        rwPort = FreePorts.next();
        roPort = FreePorts.next();
        java.nio.file.Path secrets = SharedInfra.dir("gateway-secrets");
        try {
            java.nio.file.Files.writeString(secrets.resolve("mysqlha-app-users"), "# test users\n"
                    + t.users().app().name() + ":" + t.users().app().password().reveal() + "\n"
                    + t.users().admin().name() + ":" + t.users().admin().password().reveal() + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of("mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                "mysqlha.secrets-dir", secrets.toString(),
                "mysqlha.gateway.read-write-port", Integer.toString(rwPort),
                "mysqlha.gateway.read-only-port", Integer.toString(roPort),
                "mysqlha.gateway.static-writer", "127.0.0.1:" + t.primary().port(),
                "mysqlha.gateway.static-reader", "127.0.0.1:" + t.replicas().getFirst().port(),
                "mysqlha.gateway.max-connections", Integer.toString(MAX_CONNECTIONS));
    }

    @Override
    public void stop() {
        // shared infrastructure stops at JVM exit
    }
}
