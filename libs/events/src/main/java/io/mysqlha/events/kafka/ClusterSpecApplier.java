package io.mysqlha.events.kafka;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Publishes a cluster spec to the compacted clusters topic with the next version, or does nothing when the
 * latest published spec is the same: applying one file twice is harmless.
 */
public final class ClusterSpecApplier {

    /** What an apply did. */
    public record Applied(String clusterId, long specVersion, boolean changed) {
    }

    private final Topics topics;
    private final EventSource source;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();

    public ClusterSpecApplier(Topics topics, EventSource source, Clock clock) {
        this.topics = topics;
        this.source = source;
        this.clock = clock;
    }

    public Applied apply(ClusterSpec spec, Consumer<byte[], byte[]> reader, Producer<byte[], byte[]> writer,
                         Duration timeout) throws InterruptedException, ExecutionException {
        Optional<ClusterSpecDefined> latest = latest(spec.clusterId(), reader, timeout);
        if (latest.isPresent() && latest.get().spec().equals(spec)) {
            return new Applied(spec.clusterId(), latest.get().specVersion(), false);
        }
        long version = latest.map(l -> l.specVersion() + 1).orElse(1L);
        ClusterSpecDefined event = new ClusterSpecDefined(
                EventHeader.of(ClusterSpecDefined.class, spec.clusterId(), clock, source), version, spec);
        writer.send(new ProducerRecord<>(topics.name(Topic.CLUSTERS),
                spec.clusterId().getBytes(StandardCharsets.UTF_8), codec.encode(event))).get();
        return new Applied(spec.clusterId(), version, true);
    }

    /** Reads the clusters topic to its end and returns the newest spec for the cluster. */
    public Optional<ClusterSpecDefined> latest(String clusterId, Consumer<byte[], byte[]> reader, Duration timeout) {
        String topic = topics.name(Topic.CLUSTERS);
        List<PartitionInfo> infos = reader.partitionsFor(topic, timeout);
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = reader.endOffsets(partitions, timeout);
        byte[] key = clusterId.getBytes(StandardCharsets.UTF_8);
        ClusterSpecDefined found = null;
        Instant deadline = clock.instant().plus(timeout);
        while (partitions.stream().anyMatch(p -> reader.position(p, timeout) < end.get(p))) {
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("reading " + topic + " to its end took longer than " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                if (!java.util.Arrays.equals(r.key(), key)) {
                    continue;
                }
                if (r.value() == null) {
                    found = null; // tombstone: the cluster was removed
                } else if (codec.decode(r.value()) instanceof DecodeResult.Accepted(ClusterSpecDefined d)) {
                    found = d;
                }
            }
        }
        return Optional.ofNullable(found);
    }
}
