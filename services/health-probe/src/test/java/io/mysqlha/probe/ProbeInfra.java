package io.mysqlha.probe;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.DbUsers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Real Kafka, the JVM's real semi-sync topology, and a secrets directory holding the monitor credentials. */
public class ProbeInfra implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        SharedInfra.replicationTopology();
        try {
            Path secrets = SharedInfra.dir("secrets");
            var monitor = DbUsers.LOCAL.monitor();
            Files.writeString(secrets.resolve("mysqlha-monitor"),
                    "user=" + monitor.name() + "\npassword=" + monitor.password().reveal() + "\n");
            return Map.of("mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                    "mysqlha.secrets-dir", secrets.toString(),
                    "mysqlha.probe.group-id", "probe-service-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // shared infrastructure stops at JVM exit
    }
}
