package io.mysqlha.testsupport;

import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.SampleEvents;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.DeadLetters;
import io.mysqlha.testsupport.kafka.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaBrokerIT {
    private final Topics topics = Topics.defaults();
    private final EventCodec codec = new EventCodec();

    @Test
    void shouldCreateEveryTopicWithItsSettings() throws Exception {
        KafkaBroker kafka = SharedInfra.kafka();
        try (var admin = kafka.admin()) {
            Set<String> names = admin.listTopics().names().get();
            for (Topic t : Topic.values()) {
                assertTrue(names.contains(topics.name(t)), t.name());
            }
            var description = admin.describeTopics(List.of(topics.name(Topic.TOPOLOGY))).allTopicNames().get()
                    .get(topics.name(Topic.TOPOLOGY));
            assertEquals(Topic.PARTITIONS, description.partitions().size());
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.name(Topic.TOPOLOGY));
            assertEquals("compact", admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("cleanup.policy").value());
        }
    }

    @Test
    void shouldRoundTripEveryEventTypeThroughTheBrokerAndDeadLetterThePoisonedOnes() throws Exception {
        KafkaBroker kafka = SharedInfra.kafka();
        String cluster = "rt-" + UUID.randomUUID().toString().substring(0, 8);
        List<Event> sent = SampleEvents.all(cluster);
        byte[] key = cluster.getBytes(StandardCharsets.UTF_8);
        byte[] newerMajor = new String(codec.encode(sent.get(4)), StandardCharsets.UTF_8)
                .replace("\"schemaVersion\":\"" + io.mysqlha.events.SchemaVersion.CURRENT + "\"",
                        "\"schemaVersion\":\"2.0\"").getBytes(StandardCharsets.UTF_8);
        try (var producer = producer(kafka)) {
            for (Event e : sent) {
                producer.send(new ProducerRecord<>(topics.nameFor(e), key, codec.encode(e))).get();
            }
            producer.send(new ProducerRecord<>(topics.name(Topic.FAILOVER), key, "{garbage".getBytes())).get();
            producer.send(new ProducerRecord<>(topics.name(Topic.FAILOVER), key, newerMajor)).get();
        }

        // A reader in the shape every service's consumer takes: decode, act on events, dead-letter the rest, go on.
        List<Event> received = new ArrayList<>();
        int refused = 0;
        try (var consumer = consumer(kafka, "rt-" + cluster); var producer = producer(kafka)) {
            consumer.subscribe(Arrays.stream(Topic.values()).filter(t -> t != Topic.DEAD_LETTER).map(topics::name).toList());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() + refused < sent.size() + 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!Arrays.equals(r.key(), key)) {
                        continue;
                    }
                    switch (codec.decode(r.value())) {
                        case DecodeResult.Accepted a -> received.add(a.event());
                        case DecodeResult.Rejected rej -> {
                            producer.send(DeadLetters.of(topics, r, rej.reason(), "KafkaBrokerIT")).get();
                            refused++;
                        }
                    }
                }
            }
        }
        Map<Class<?>, List<Event>> byType = received.stream().collect(Collectors.groupingBy(Object::getClass));
        for (Event e : sent) {
            assertTrue(byType.getOrDefault(e.getClass(), List.of()).contains(e), "not received: " + e);
        }
        assertEquals(sent.size(), received.size());
        assertEquals(2, refused);

        List<String> reasons = new ArrayList<>();
        try (var dlt = consumer(kafka, "dlt-" + cluster)) {
            dlt.subscribe(List.of(topics.name(Topic.DEAD_LETTER)));
            Waits.until("2 dead letters for " + cluster, Duration.ofSeconds(30), () -> {
                for (ConsumerRecord<byte[], byte[]> r : dlt.poll(Duration.ofMillis(200))) {
                    Header reason = r.headers().lastHeader(DeadLetters.REASON);
                    if (Arrays.equals(r.key(), key)) {
                        reasons.add(new String(reason.value(), StandardCharsets.UTF_8));
                    }
                }
                return reasons.size() == 2;
            });
        }
        assertTrue(reasons.get(0).startsWith("not JSON"), reasons.get(0));
        assertTrue(reasons.get(1).contains("newer than this reader's 1.x"), reasons.get(1));
    }

    static KafkaProducer<byte[], byte[]> producer(KafkaBroker kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<byte[], byte[]> consumer(KafkaBroker kafka, String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
