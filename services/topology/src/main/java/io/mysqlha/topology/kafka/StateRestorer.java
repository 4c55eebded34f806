package io.mysqlha.topology.kafka;

import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.topology.core.AlertCondition;
import io.mysqlha.topology.core.AlertTracker;
import io.mysqlha.topology.core.ClusterBook;
import io.mysqlha.service.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a new owner of some partitions reads before it decides anything, so that it continues where the last
 * owner stopped instead of re-deriving from nothing: the specs (clusters, whole), the last published generation
 * per cluster (topology, whole), the latest failover epoch (failover, whole), the alerts topology raised and has
 * not resolved (alerts, whole), and the recent health observations (health, the last {@code healthWindow}), which
 * rebuild the hysteresis streaks. Reads committed records only: an aborted transaction of a fenced owner is not
 * history.
 */
final class StateRestorer {
    private static final Duration READ_PATIENCE = Duration.ofSeconds(60);

    private final KafkaAccess kafka;
    private final Topics topics;
    private final Duration healthWindow;
    private final String service;
    private final EventCodec codec = new EventCodec();

    /** The clusters taken over, each with its partition, and where the owner's consumer continues. */
    record Restored(Map<String, Owned> clusters, Map<TopicPartition, Long> positions, int records) {
    }

    record Owned(int partition, ClusterBook book) {
    }

    StateRestorer(KafkaAccess kafka, Topics topics, Duration healthWindow, String service) {
        this.kafka = kafka;
        this.topics = topics;
        this.healthWindow = healthWindow;
        this.service = service;
    }

    Restored restore(Set<Integer> partitions, Instant now) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        int[] count = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.committedReader(kafka, "topology-restore",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000))) {
            Map<String, ClusterSpecDefined> specs = new LinkedHashMap<>();
            Map<String, Integer> partitionOf = new HashMap<>();
            read(consumer, Topic.CLUSTERS, partitions, null, positions, r -> {
                count[0]++;
                String key = key(r);
                if (key == null) {
                    return;
                }
                if (r.value() == null) {
                    specs.remove(key);
                } else if (decode(r) instanceof ClusterSpecDefined d) {
                    specs.put(key, d);
                    partitionOf.put(key, r.partition());
                }
            });
            Map<String, Owned> owned = new LinkedHashMap<>();
            specs.forEach((id, d) -> owned.put(id, new Owned(partitionOf.get(id),
                    new ClusterBook(d.spec(), d.specVersion(), now))));

            read(consumer, Topic.TOPOLOGY, partitions, null, positions, r -> {
                count[0]++;
                if (r.value() != null && decode(r) instanceof TopologyChanged t && owned.containsKey(t.clusterId())) {
                    owned.get(t.clusterId()).book().restorePublished(TopologyRecords.published(t));
                }
            });
            read(consumer, Topic.FAILOVER, partitions, null, positions, r -> {
                count[0]++;
                if (decode(r) instanceof FailoverCompleted f && owned.containsKey(f.clusterId())) {
                    owned.get(f.clusterId()).book().failover(f);
                }
            });
            Map<String, Map<String, AlertCondition>> active = new HashMap<>();
            read(consumer, Topic.ALERTS, partitions, null, positions, r -> {
                count[0]++;
                switch (decode(r)) {
                    case AlertRaised a when service.equals(a.header().source()) -> active
                            .computeIfAbsent(a.clusterId(), c -> new LinkedHashMap<>())
                            .put(a.alertId(), TopologyRecords.condition(a));
                    case AlertResolved a when service.equals(a.header().source()) -> active
                            .getOrDefault(a.clusterId(), new HashMap<>()).remove(a.alertId());
                    case null, default -> {
                    }
                }
            });
            active.forEach((cluster, alerts) -> {
                if (owned.containsKey(cluster)) {
                    Map<String, AlertCondition> byKey = new LinkedHashMap<>();
                    alerts.values().forEach(c -> byKey.put(c.key(), c));
                    owned.get(cluster).book().restoreAlerts(new AlertTracker(byKey));
                }
            });
            read(consumer, Topic.HEALTH, partitions, now.minus(healthWindow), positions, r -> {
                count[0]++;
                if (decode(r) instanceof NodeHealthObserved o && owned.containsKey(o.clusterId())) {
                    owned.get(o.clusterId()).book().observe(o);
                }
            });
            return new Restored(owned, positions, count[0]);
        }
    }

    /**
     * Reads the given partitions of a topic from the beginning (or from {@code from}) to where they end now, and
     * records where it stopped.
     */
    private void read(KafkaConsumer<byte[], byte[]> consumer, Topic topic, Set<Integer> partitions, Instant from,
                      Map<TopicPartition, Long> positions, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        String name = topics.name(topic);
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(name, p)).toList();
        consumer.assign(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        if (from == null) {
            consumer.seekToBeginning(tps);
        } else {
            Map<TopicPartition, Long> query = new HashMap<>();
            tps.forEach(tp -> query.put(tp, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            tps.forEach(tp -> {
                OffsetAndTimestamp at = found.get(tp);
                consumer.seek(tp, at == null ? end.get(tp) : at.offset());
            });
        }
        Map<TopicPartition, Long> remaining = new HashMap<>(end);
        remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        long deadline = System.nanoTime() + READ_PATIENCE.toNanos();
        while (!remaining.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + name + " partitions " + partitions + " to their"
                        + " end within " + READ_PATIENCE.toSeconds() + " s (is Kafka at " + kafka + " up?)");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    handler.accept(r);
                }
            }
            remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        }
        // everything before the end was handled, nothing after it: the owner's consumer continues there
        positions.putAll(end);
        consumer.assign(List.of());
    }

    private Object decode(ConsumerRecord<byte[], byte[]> r) {
        return r.value() != null && codec.decode(r.value()) instanceof DecodeResult.Accepted a ? a.event() : null;
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }
}
