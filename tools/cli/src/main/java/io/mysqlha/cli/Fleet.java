package io.mysqlha.cli;

import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The CLI's view of the fleet through Kafka: a topic read to its end (the latest record per cluster of the
 * compacted ones), read from a point in time, followed, or published to. Reads are outside any consumer group and
 * see committed records only; records that are not readable events are counted and said once, never fatal.
 */
final class Fleet implements AutoCloseable {
    /** A Kafka that does not answer within this is reported as unreachable. */
    private final Duration timeout;
    private final KafkaAccess kafka;
    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private final List<String> unreadable = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;

    Fleet(KafkaAccess kafka, Topics topics, Duration timeout) {
        this.kafka = kafka;
        this.topics = topics;
        this.timeout = timeout;
    }

    Topics topics() {
        return topics;
    }

    /** Records that were not readable events, each "topic-partition@offset: reason". */
    List<String> unreadable() {
        return unreadable;
    }

    /** The latest event per cluster (record key) of a compacted topic; a tombstone removes the cluster. */
    Map<String, Event> latestPerCluster(Topic topic) {
        Map<String, Event> latest = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> partitions = partitions(c, topic);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
            Instant deadline = Instant.now().plus(timeout.multipliedBy(3));
            while (partitions.stream().anyMatch(p -> c.position(p, timeout) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new CliException("reading " + topics.name(topic) + " to its end took longer than "
                            + timeout.multipliedBy(3).toSeconds() + " s", 1);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        latest.remove(key);
                        continue;
                    }
                    Event e = decode(r);
                    if (e != null) {
                        latest.put(key, e);
                    }
                }
            }
        }
        return latest;
    }

    /** Every event of {@code topic} published since {@code since}, up to the topic's end when called. */
    List<Event> since(Topic topic, Instant since, Predicate<Event> keep) {
        List<Event> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> partitions = partitions(c, topic);
            c.assign(partitions);
            seekTo(c, partitions, since);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(p -> c.position(p, timeout) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        Event e = decode(r);
                        if (e != null && keep.test(e)) {
                            events.add(e);
                        }
                    }
                }
            }
        }
        return events;
    }

    /**
     * Follows {@code topicList} from {@code since} (null: from now), handing each event to {@code each} in arrival
     * order per partition, until it returns false or {@code until} passes (null: forever). {@code positioned} runs
     * once the consumer's positions are fixed: a request published there is followed from before it.
     *
     * @return true when {@code each} ended it, false when the time ran out
     */
    boolean follow(List<Topic> topicList, Instant since, Instant until, Runnable positioned, Predicate<Event> each) {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic t : topicList) {
                partitions.addAll(partitions(c, t));
            }
            c.assign(partitions);
            if (since == null) {
                c.seekToEnd(partitions);
                partitions.forEach(p -> c.position(p, timeout)); // fix "now" before anything is published
            } else {
                seekTo(c, partitions, since);
                partitions.forEach(p -> c.position(p, timeout));
            }
            positioned.run();
            Runtime.getRuntime().addShutdownHook(new Thread(c::wakeup));
            while (until == null || Instant.now().isBefore(until)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Event e = r.value() == null ? null : decode(r);
                    if (e != null && !each.test(e)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (WakeupException e) {
            return true; // Ctrl-C
        }
    }

    /** Publishes one event as the services do (its topic, keyed by its cluster) and waits for Kafka to have it. */
    void publish(Event event) {
        if (producer == null) {
            producer = new KafkaProducer<>(kafka.config(Map.of(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 1_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())),
                    new ByteArraySerializer(), new ByteArraySerializer());
        }
        try {
            producer.send(new ProducerRecord<>(topics.nameFor(event), event.header().clusterId()
                    .getBytes(StandardCharsets.UTF_8), codec.encode(event))).get(timeout.toMillis() * 2,
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw unreachable("publishing " + event.header().type(), e);
        }
    }

    private void seekTo(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions, Instant since) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = found.get(p);
            c.seek(p, at == null ? end.get(p) : at.offset());
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, Topic topic) {
        String name = topics.name(topic);
        List<PartitionInfo> infos;
        try {
            infos = c.partitionsFor(name, timeout);
        } catch (RuntimeException e) {
            throw unreachable("reading " + name, e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new CliException("topic " + name + " does not exist: is the suite running on " + kafka
                    + " with the topic prefix '" + topics.prefix() + "' (--topic-prefix)?", 1);
        }
        return infos.stream().map(i -> new TopicPartition(name, i.partition())).toList();
    }

    private CliException unreachable(String what, Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        for (Throwable t = cause; t != null; t = t.getCause()) { // a producer in error says so wrapping the first one
            if (t instanceof org.apache.kafka.common.errors.AuthorizationException
                    || t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                cause = t;
                break;
            }
        }
        if (cause instanceof org.apache.kafka.common.errors.AuthorizationException) {
            return new CliException(what + ": Kafka at " + kafka + " refused it (" + cause.getMessage() + "); the"
                    + " brokers' ACLs do not let this user do that (see docs/security.md, Kafka ACLs)", 1);
        }
        if (cause instanceof org.apache.kafka.common.errors.AuthenticationException
                || cause instanceof org.apache.kafka.common.errors.SslAuthenticationException) {
            return new CliException(what + ": Kafka at " + kafka + " did not let this client in ("
                    + cause.getMessage() + "); check --kafka-config", 1);
        }
        return new CliException(what + ": Kafka at " + kafka + " did not answer within " + timeout.toSeconds()
                + " s (" + e.getClass().getSimpleName() + "); check --bootstrap-servers or"
                + " MYSQLHA_KAFKA_BOOTSTRAP_SERVERS", 1);
    }

    private Event decode(ConsumerRecord<byte[], byte[]> r) {
        return switch (codec.decode(r.value())) {
            case DecodeResult.Accepted a -> a.event();
            case DecodeResult.Rejected rej -> {
                unreadable.add(r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + rej.reason());
                yield null;
            }
        };
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(kafka.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "mysqlha-cli",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
