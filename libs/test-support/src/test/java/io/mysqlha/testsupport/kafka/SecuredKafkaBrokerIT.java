package io.mysqlha.testsupport.kafka;

import io.mysqlha.domain.Secret;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.events.kafka.KafkaAcls;
import io.mysqlha.testsupport.SharedInfra;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The secured broker of test support: SCRAM-SHA-512 over TLS, an authorizer that allows only what the suite's ACL
 * table grants. An operator writes commands; a viewer reads them and is refused writing; a wrong password is refused.
 */
class SecuredKafkaBrokerIT {
    private static final Topics TOPICS = new Topics("secured.");
    private static final Secret OPERATOR = Secret.of("operator-password-0123");
    private static final Secret VIEWER = Secret.of("viewer-password-45678");
    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.startSecuredForTests(SharedInfra.dir("secured-kafka-it"));
        broker.provisionTopics(TOPICS);
        broker.addUser("ops", OPERATOR);
        broker.addUser("watch", VIEWER);
        broker.grant(KafkaAcls.bindings(KafkaAcls.Role.OPERATOR, TOPICS, null, "User:ops"));
        broker.grant(KafkaAcls.bindings(KafkaAcls.Role.VIEWER, TOPICS, null, "User:watch"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anOperatorWritesCommandsAViewerReadsThemAndIsRefusedWriting() throws Exception {
        String commands = TOPICS.name(Topic.COMMANDS);
        send(broker.access("ops", OPERATOR), commands).get(30, TimeUnit.SECONDS);
        try (var c = new KafkaConsumer<>(broker.access("watch", VIEWER).config(Map.of()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = c.partitionsFor(commands, Duration.ofSeconds(30)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(commands, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read == 0 && System.nanoTime() < deadline) {
                read += c.poll(Duration.ofMillis(500)).count();
            }
            assertEquals(1, read, "the viewer reads the operator's command");
        }
        // an idempotent producer with no topic to write is refused its producer id (a cluster authorization error),
        // said by the send's future or, once the producer knows, by send() itself
        Exception refused = assertThrows(Exception.class,
                () -> send(broker.access("watch", VIEWER), commands).get(30, TimeUnit.SECONDS));
        Throwable cause = refused;
        while (cause != null && !(cause instanceof AuthorizationException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(AuthorizationException.class, cause, String.valueOf(refused));
    }

    @Test
    void aWrongPasswordIsRefused() {
        try (Admin a = Admin.create(broker.access("ops", Secret.of("not-the-password")).config(Map.of(
                "request.timeout.ms", 10_000, "default.api.timeout.ms", 10_000)))) {
            var e = assertThrows(ExecutionException.class, () -> a.describeCluster().clusterId().get(20, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
    }

    private static java.util.concurrent.Future<?> send(KafkaAccess access, String topic) {
        var p = new KafkaProducer<>(access.config(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000)),
                new ByteArraySerializer(), new ByteArraySerializer());
        try (p) {
            return p.send(new ProducerRecord<>(topic, "c".getBytes(StandardCharsets.UTF_8),
                    "{}".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
