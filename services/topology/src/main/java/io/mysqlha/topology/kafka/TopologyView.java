package io.mysqlha.topology.kafka;

import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.kafka.KafkaClients;
import io.mysqlha.service.kafka.ReadModel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whole fleet as every topology instance shows it over REST, whichever instance owns which cluster: the
 * specs and the latest published topology (both compacted topics, read whole, committed records only) and the
 * latest observation of every node (health, followed from its end). Not a decision input: the owner decides from
 * its own state.
 */
public final class TopologyView extends ReadModel {
    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private final Map<String, ClusterSpecDefined> specs = new ConcurrentHashMap<>();
    private final Map<String, TopologyChanged> topologies = new ConcurrentHashMap<>();
    private final Map<String, Map<String, NodeHealthObserved>> health = new ConcurrentHashMap<>();

    public TopologyView(KafkaAccess kafka, Topics topics) {
        super(kafka, "topology-view");
        this.topics = topics;
    }

    public List<String> clusterIds() {
        return specs.keySet().stream().sorted().toList();
    }

    public Optional<ClusterSpecDefined> spec(String clusterId) {
        return Optional.ofNullable(specs.get(clusterId));
    }

    public Optional<TopologyChanged> topology(String clusterId) {
        return Optional.ofNullable(topologies.get(clusterId));
    }

    public Map<String, NodeHealthObserved> health(String clusterId) {
        return Map.copyOf(health.getOrDefault(clusterId, Map.of()));
    }

    @Override
    protected void position(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> whole = new ArrayList<>(partitions(c, Topic.CLUSTERS));
        whole.addAll(partitions(c, Topic.TOPOLOGY));
        KafkaClients.assign(c, whole, partitions(c, Topic.HEALTH));
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, Topic topic) {
        return KafkaClients.partitions(c, topics.name(topic));
    }

    @Override
    protected void apply(String key, ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            if (r.topic().equals(topics.name(Topic.CLUSTERS))) {
                specs.remove(key);
                health.remove(key);
            } else if (r.topic().equals(topics.name(Topic.TOPOLOGY))) {
                topologies.remove(key);
            }
            return;
        }
        if (!(codec.decode(r.value()) instanceof DecodeResult.Accepted accepted)) {
            return; // the owner counts and reports refused records; the view only shows what is readable
        }
        switch (accepted.event()) {
            case ClusterSpecDefined d -> specs.put(key, d);
            case TopologyChanged t -> topologies.merge(key, t, (old, now) -> now.generation() >= old.generation()
                    ? now : old);
            case NodeHealthObserved o -> {
                if (specs.containsKey(o.clusterId())) {
                    health.computeIfAbsent(o.clusterId(), k -> new ConcurrentHashMap<>()).merge(o.nodeId(), o,
                            (old, now) -> now.header().time().isAfter(old.header().time()) ? now : old);
                }
            }
            default -> {
            }
        }
    }
}
