package io.mysqlha.testsupport.kafka;

import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Publishes an event as a service would (its topic, keyed by its cluster), and waits until Kafka has it. */
public final class Events {
    private Events() {
    }

    public static void publish(String bootstrap, Topics topics, Event event) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.nameFor(event), event.clusterId().getBytes(StandardCharsets.UTF_8),
                    new EventCodec().encode(event))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.header().type() + ": " + e.getMessage(), e);
        }
    }
}
