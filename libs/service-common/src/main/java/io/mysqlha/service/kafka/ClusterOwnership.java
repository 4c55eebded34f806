package io.mysqlha.service.kafka;

import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which clusters this instance owns (probe, backup: one actor per cluster): the clusters whose partitions of the compacted {@code clusters} topic the
 * consumer group gives it. On each newly assigned partition it reads from the beginning (offsets are never
 * committed: the compacted topic is the configuration, and it must be read whole); on revocation it releases
 * those clusters. Cooperative rebalancing moves only the partitions that change owner.
 */
public final class ClusterOwnership implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterOwnership.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetters;
    private final Topics topics;
    private final OwnershipListener listener;
    private final String consumerName;
    private final EventCodec codec = new EventCodec();
    /** Cluster id to (partition, spec version) of what this instance runs. */
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    /**
     * While newly assigned partitions are replayed from the beginning, the last word per cluster is collected
     * here (a spec, or empty for a tombstone) and acted on once they are read to the end: a removed cluster or
     * an intermediate spec version never starts a prober.
     */
    private final Map<String, java.util.Optional<Replayed>> replay = new HashMap<>();
    private final Map<TopicPartition, Long> replayUntil = new HashMap<>();
    private volatile boolean assigned;
    private volatile boolean closed;
    private Thread thread;

    private record Owned(int partition, long specVersion, io.mysqlha.domain.ClusterSpec spec) {
    }

    private record Replayed(int partition, ClusterSpecDefined defined) {
    }

    public ClusterOwnership(KafkaAccess kafka, String groupId, String instance, Topics topics,
                            Producer<byte[], byte[]> deadLetters, OwnershipListener listener) {
        this.topics = topics;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.consumerName = groupId + "/" + instance;
        Map<String, Object> config = KafkaClients.groupMember(kafka, groupId, consumerName,
                CooperativeStickyAssignor.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public void start() {
        thread = Thread.ofPlatform().name("cluster-ownership").daemon().start(this);
    }

    /** True once the group has given this instance its first assignment (possibly empty). */
    public boolean assigned() {
        return assigned;
    }

    public Set<String> ownedClusters() {
        return Set.copyOf(owned.keySet());
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(topics.name(Topic.CLUSTERS)), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions);
                consumer.endOffsets(partitions).forEach((p, end) -> {
                    if (end > 0) {
                        replayUntil.put(p, end);
                    }
                });
                assigned = replayUntil.isEmpty() || assigned;
                if (!partitions.isEmpty()) {
                    LOG.infof("%s now owns clusters partitions %s", consumerName, numbers(partitions));
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                releasePartitions(partitions, "revoked");
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                releasePartitions(partitions, "lost");
            }
        });
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    handle(record);
                }
                finishReplay();
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s stopped reading %s: %s", consumerName, topics.name(Topic.CLUSTERS), e.getMessage());
        } finally {
            owned.keySet().forEach(listener::release);
            owned.clear();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        boolean replaying = replayUntil.containsKey(tp) && key != null;
        if (record.value() == null) {
            if (replaying) {
                replay.put(key, java.util.Optional.empty());
                return;
            }
            if (key != null && owned.remove(key) != null) {
                LOG.infof("cluster %s removed (tombstone at %s)", key, DeadLetters.origin(record));
                listener.release(key);
            }
            return;
        }
        switch (codec.decode(record.value())) {
            case DecodeResult.Accepted(ClusterSpecDefined defined) when replaying ->
                    replay.put(key, java.util.Optional.of(new Replayed(record.partition(), defined)));
            case DecodeResult.Accepted(ClusterSpecDefined defined) -> define(record.partition(), defined);
            case DecodeResult.Accepted other -> refuse(record, "a " + other.event().getClass().getSimpleName()
                    + " does not belong on " + record.topic());
            case DecodeResult.Rejected rejected -> refuse(record, rejected.reason());
        }
    }

    private void define(int partition, ClusterSpecDefined defined) {
        String id = defined.spec().clusterId();
        Owned current = owned.get(id);
        if (current != null && current.specVersion() >= defined.specVersion() && current.spec().equals(defined.spec())) {
            return; // re-read after a seek to the beginning: nothing changed
        }
        owned.put(id, new Owned(partition, defined.specVersion(), defined.spec()));
        listener.own(defined.spec(), defined.specVersion());
    }

    /** Acts on the replayed state once every replayed partition has been read to where it ended at assignment. */
    private void finishReplay() {
        if (replayUntil.isEmpty()) {
            return;
        }
        replayUntil.entrySet().removeIf(e -> !consumer.assignment().contains(e.getKey())
                || consumer.position(e.getKey()) >= e.getValue());
        if (!replayUntil.isEmpty()) {
            return;
        }
        replay.forEach((id, last) -> last.ifPresent(r -> define(r.partition(), r.defined())));
        replay.clear();
        assigned = true;
    }

    private void releasePartitions(Collection<TopicPartition> partitions, String why) {
        Set<Integer> gone = numbers(partitions);
        replayUntil.keySet().removeIf(p -> gone.contains(p.partition()));
        replay.values().removeIf(r -> r.isPresent() && gone.contains(r.get().partition()));
        owned.entrySet().removeIf(e -> {
            if (gone.contains(e.getValue().partition())) {
                listener.release(e.getKey());
                return true;
            }
            return false;
        });
        if (!partitions.isEmpty()) {
            LOG.infof("%s released clusters partitions %s (%s)", consumerName, gone, why);
        }
    }

    private void refuse(ConsumerRecord<byte[], byte[]> record, String reason) {
        LOG.warnf("refused %s: %s; sent to %s", DeadLetters.origin(record), reason, topics.name(Topic.DEAD_LETTER));
        deadLetters.send(DeadLetters.of(topics, record, reason, consumerName));
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(java.util.stream.Collectors.toSet());
    }

    @Override
    public void close() {
        closed = true;
        KafkaClients.wakeUpAndJoin(consumer, thread, java.time.Duration.ofSeconds(10));
    }
}
