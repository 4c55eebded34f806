package io.mysqlha.backup.kafka;

import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.kafka.KafkaClients;
import io.mysqlha.service.kafka.ReadModel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The latest topology of every cluster, read whole from the compacted topology topic (committed records only),
 * newer generations only; {@code changed} hears each one that moved a cluster forward.
 */
public final class TopologyFollower extends ReadModel {
    private final Topics topics;
    private final Consumer<TopologyChanged> changed;
    private final EventCodec codec = new EventCodec();
    private final Map<String, TopologyChanged> latest = new ConcurrentHashMap<>();

    public TopologyFollower(KafkaAccess kafka, Topics topics, Consumer<TopologyChanged> changed) {
        super(kafka, "backup-topology");
        this.topics = topics;
        this.changed = changed;
    }

    public Optional<TopologyChanged> topology(String clusterId) {
        return Optional.ofNullable(latest.get(clusterId));
    }

    @Override
    protected void position(KafkaConsumer<byte[], byte[]> c) {
        KafkaClients.assign(c, KafkaClients.partitions(c, topics.name(Topic.TOPOLOGY)), List.of());
    }

    @Override
    protected void apply(String key, ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            latest.remove(key);
            return;
        }
        if (codec.decode(r.value()) instanceof DecodeResult.Accepted(TopologyChanged t)) {
            TopologyChanged before = latest.get(key);
            if (before == null || t.generation() > before.generation()) {
                latest.put(key, t);
                changed.accept(t);
            }
        }
    }
}
