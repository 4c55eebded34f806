package io.mysqlha.service.kafka;

import io.mysqlha.events.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A read model: topics read on a daemon thread of its own by a committed reader outside any consumer group, from
 * where {@link #position} puts it, every keyed record handed to {@link #apply} (a tombstone as a null value); when
 * Kafka is lost it says so and reads again a second later, positioned anew. It sees every cluster, whichever
 * instance owns it.
 */
public abstract class ReadModel implements Runnable, AutoCloseable {
    private final KafkaAccess kafka;
    private final String clientId;
    private final Logger log = Logger.getLogger(getClass());
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private Thread thread;

    /** {@code clientId}: the Kafka client id, and the name of the thread. */
    protected ReadModel(KafkaAccess kafka, String clientId) {
        this.kafka = kafka;
        this.clientId = clientId;
    }

    public void start() {
        thread = Thread.ofPlatform().name(clientId).daemon().start(this);
    }

    /** Assigns the reader its partitions and seeks them (to their beginning for a compacted topic read whole). */
    protected abstract void position(KafkaConsumer<byte[], byte[]> consumer);

    /** One record of a cluster: {@code key} is its cluster id; a null value is a tombstone. */
    protected abstract void apply(String key, ConsumerRecord<byte[], byte[]> record);

    @Override
    public final void run() {
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c = KafkaClients.committedReader(kafka, clientId, Map.of())) {
                consumer = c;
                position(c);
                while (!closed) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (r.key() != null) { // every topic is keyed by cluster id: an unkeyed record is no one's
                            apply(new String(r.key(), StandardCharsets.UTF_8), r);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                log.warnf("%s lost Kafka (%s); reading again in 1 s", clientId, e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaClients.wakeUpAndJoin(consumer, thread, Duration.ofSeconds(10));
    }
}
