package io.mysqlha.testsupport.kafka;

import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.Waits;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Everything published about one cluster on some topics, read as a gateway or an alerting consumer reads it
 * (committed records only), from the beginning, on a thread of its own.
 */
public final class EventTap implements AutoCloseable {
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    public EventTap(String bootstrap, Topics topics, String clusterId, Topic... of) {
        this(io.mysqlha.events.kafka.KafkaAccess.plaintext(bootstrap), topics, clusterId, of);
    }

    public EventTap(io.mysqlha.events.kafka.KafkaAccess kafka, Topics topics, String clusterId, Topic... of) {
        EventCodec codec = new EventCodec();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic t : of) {
            consumer.partitionsFor(topics.name(t)).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().daemon().name("tap-" + clusterId).start(() -> {
            try (consumer) {
                while (!closed) {
                    for (var r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.key() != null && r.value() != null
                                && clusterId.equals(new String(r.key(), StandardCharsets.UTF_8))
                                && codec.decode(r.value()) instanceof DecodeResult.Accepted a) {
                            events.add(a.event());
                        }
                    }
                }
            }
        });
    }

    public <T extends Event> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits for an event of the type that matches, published after the first {@code skip} events of that type. */
    public <T extends Event> T await(String what, Class<T> type, int skip, Predicate<T> match, Duration timeout) {
        return Waits.forValue(what, timeout, () -> {
            List<T> seen = all(type);
            return seen.subList(Math.min(skip, seen.size()), seen.size()).stream().filter(match).findFirst()
                    .orElse(null);
        });
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(5_000);
    }
}
