package io.mysqlha.service.kafka;

import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAccess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes a service's events keyed by cluster, idempotently, and waits for each to be written: the decision log
 * must say a step happened before the next begins (a gateway holds writes on FailoverStarted, a successor resumes
 * from the steps). A write Kafka does not confirm within the deadline is logged, never thrown into a recovery.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private volatile java.util.function.Consumer<Event> published = e -> { };

    public EventPublisher(KafkaAccess kafka, String clientId, Topics topics) {
        this.producer = new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0)),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = topics;
    }

    public void publish(Event event) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.nameFor(event),
                event.clusterId().getBytes(StandardCharsets.UTF_8), codec.encode(event));
        try {
            producer.send(record).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            published.accept(event);
        } catch (ExecutionException | TimeoutException e) {
            LOG.errorf("could not publish %s of %s to %s within %d s: %s", event.header().type(), event.clusterId(),
                    record.topic(), PATIENCE.toSeconds(), e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sees every event Kafka confirmed (a service's metrics count its decisions there). */
    public void onPublished(java.util.function.Consumer<Event> listener) {
        this.published = listener;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
