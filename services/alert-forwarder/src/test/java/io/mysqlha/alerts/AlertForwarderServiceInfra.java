package io.mysqlha.alerts;

import io.mysqlha.alerts.kafka.Receiver;
import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.SharedInfra;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The real broker, the service test's own topics, a real HTTP receiver, and the secret naming it. */
public class AlertForwarderServiceInfra implements QuarkusTestResourceLifecycleManager {
    public static final Topics TOPICS = new Topics("alert-svc.");
    public static final Receiver RECEIVER = new Receiver();

    @Override
    public Map<String, String> start() {
        SharedInfra.kafka().provisionTopics(TOPICS);
        Path secrets = SharedInfra.dir("alert-svc").resolve("secrets");
        try {
            Files.createDirectories(secrets);
            Files.writeString(secrets.resolve("alert-webhook-url"), RECEIVER.url() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                "mysqlha.topic-prefix", TOPICS.prefix(),
                "mysqlha.secrets-dir", secrets.toString(),
                "mysqlha.alerts.group-id", "alert-service-it");
    }

    @Override
    public void stop() {
        RECEIVER.close();
    }
}
