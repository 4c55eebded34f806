package io.mysqlha.probe.kafka;

import io.mysqlha.events.EventCodec;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAccess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes observations keyed by cluster id. Called on Vert.x event loops, so it must never block: when Kafka
 * is unreachable and the send buffer is full an observation is dropped and counted (the next cycle brings a
 * fresh one), instead of stalling every probe on that loop.
 */
public final class HealthPublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final EventCodec codec = new EventCodec();
    private final AtomicLong dropped = new AtomicLong();

    public HealthPublisher(Producer<byte[], byte[]> producer, Topics topics) {
        this.producer = producer;
        this.topic = topics.name(Topic.HEALTH);
    }

    public static Producer<byte[], byte[]> producer(KafkaAccess kafka, String clientId) {
        return new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                // health is published every cycle for every node: batch it (50 ms is a tenth of a 500 ms cycle;
                // measured with bench/probe-scale.sh, 5 ms cost the producer's thread twice the CPU)
                ProducerConfig.LINGER_MS_CONFIG, 50,
                ProducerConfig.BATCH_SIZE_CONFIG, 131_072,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Fetches the topic's metadata before the first observation, so the first sends are not dropped for lack
     * of it. With max.block.ms=0 each call fails at once but starts the fetch; retried until it has arrived.
     * Blocks: call it off the event loop.
     */
    public boolean warmUp(java.time.Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                producer.partitionsFor(topic);
                return true;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    public void publish(NodeHealthObserved observation) {
        try {
            producer.send(new ProducerRecord<>(topic, observation.clusterId().getBytes(StandardCharsets.UTF_8),
                    codec.encode(observation)), (metadata, error) -> {
                if (error != null) {
                    dropped.incrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            dropped.incrementAndGet(); // buffer full or no metadata with max.block.ms=0: Kafka is away
        }
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
