package io.mysqlha.testsupport.kafka;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.ClusterSpecApplier;
import io.mysqlha.events.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Applies a cluster spec as an operator does (ClusterSpecApplier: version + 1, nothing when unchanged). */
public final class Specs {
    private Specs() {
    }

    public static void apply(String bootstrap, Topics topics, ClusterSpec spec) {
        apply(KafkaAccess.plaintext(bootstrap), topics, spec);
    }

    public static void apply(KafkaAccess kafka, Topics topics, ClusterSpec spec) {
        try (var producer = new KafkaProducer<>(kafka.config(Map.of()), new ByteArraySerializer(),
                new ByteArraySerializer());
             var reader = new KafkaConsumer<>(kafka.config(Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                     "apply-" + spec.clusterId())),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            new ClusterSpecApplier(topics, new EventSource("test", "it"), Clock.systemUTC())
                    .apply(spec, reader, producer, Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new IllegalStateException("cannot apply the spec of " + spec.clusterId() + ": " + e.getMessage(), e);
        }
    }
}
