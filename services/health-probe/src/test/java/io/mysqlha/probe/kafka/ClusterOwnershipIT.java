package io.mysqlha.probe.kafka;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.DeadLetters;
import io.mysqlha.service.kafka.ClusterOwnership;
import io.mysqlha.service.kafka.OwnershipListener;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two probe instances in one consumer group over the real clusters topic. */
class ClusterOwnershipIT {
    private final Topics topics = Topics.defaults();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final List<String> clusters = IntStream.range(0, 24).mapToObj(i -> "own-" + run + "-" + i).toList();

    /** What one instance was told to own, restricted to this test's clusters. */
    private final class Owner implements OwnershipListener {
        final Set<String> owned = ConcurrentHashMap.newKeySet();

        @Override
        public void own(ClusterSpec spec, long specVersion) {
            if (clusters.contains(spec.clusterId())) {
                owned.add(spec.clusterId());
            }
        }

        @Override
        public void release(String clusterId) {
            owned.remove(clusterId);
        }
    }

    @Test
    void shouldSplitTheClustersBetweenInstancesAndHandThemOverWhenOneStops() throws Exception {
        KafkaBroker kafka = SharedInfra.kafka();
        String group = "probe-it-" + run;
        try (Producer<byte[], byte[]> producer = producer(kafka)) {
            for (String id : clusters) {
                publish(producer, id);
            }
            producer.send(new ProducerRecord<>(topics.name(Topic.CLUSTERS), ("own-" + run + "-poison")
                    .getBytes(StandardCharsets.UTF_8), "{\"header\":{}}".getBytes(StandardCharsets.UTF_8))).get();
            Owner a = new Owner();
            Owner b = new Owner();
            try (ClusterOwnership first = new ClusterOwnership(kafka.access(), group, "a", topics, producer, a)) {
                first.start();
                Waits.until("instance a owns all 24 clusters", Duration.ofSeconds(60), () -> a.owned.size() == 24);
                try (ClusterOwnership second = new ClusterOwnership(kafka.access(), group, "b", topics,
                        producer, b)) {
                    second.start();
                    Waits.until("the clusters split between a and b", Duration.ofSeconds(60), () ->
                            !a.owned.isEmpty() && !b.owned.isEmpty() && a.owned.size() + b.owned.size() == 24
                                    && disjoint(a.owned, b.owned));
                }
                Waits.until("a owns all 24 again after b stopped", Duration.ofSeconds(60), () -> a.owned.size() == 24);
                assertTrue(b.owned.isEmpty(), "a stopped instance releases everything");
            }
        }
        assertTrue(deadLettered().stream().anyMatch(r -> r.contains("no 'header'") || r.contains("unknown event type")),
                "the poisoned record went to the dead-letter topic");
    }

    private static boolean disjoint(Set<String> a, Set<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both.isEmpty();
    }

    private void publish(Producer<byte[], byte[]> producer, String id) throws Exception {
        ClusterSpec spec = io.mysqlha.events.SampleEvents.spec(id);
        var event = new ClusterSpecDefined(EventHeader.of(ClusterSpecDefined.class, id, Clock.systemUTC(),
                new EventSource("test", "it")), 1, spec);
        producer.send(new ProducerRecord<>(topics.name(Topic.CLUSTERS), id.getBytes(StandardCharsets.UTF_8),
                new EventCodec().encode(event))).get();
    }

    private List<String> deadLettered() {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-" + run, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.name(Topic.DEAD_LETTER)));
            List<String> reasons = new java.util.ArrayList<>();
            Waits.until("a dead letter for this run", Duration.ofSeconds(30), () -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (new String(r.key(), StandardCharsets.UTF_8).startsWith("own-" + run)) {
                        reasons.add(new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8));
                    }
                }
                return !reasons.isEmpty();
            });
            return reasons;
        }
    }

    static KafkaProducer<byte[], byte[]> producer(KafkaBroker kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
