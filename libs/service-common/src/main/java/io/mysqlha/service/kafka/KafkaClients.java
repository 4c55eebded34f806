package io.mysqlha.service.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** What the services' Kafka consumers have in common: group membership settings, and stopping a poll thread. */
public final class KafkaClients {
    private KafkaClients() {
    }

    /**
     * A consumer-group member that owns clusters by partition: offsets are never auto-committed (an owner replays
     * what it owns on assignment), and a member that dies without leaving loses its partitions after 10 s.
     */
    public static Map<String, Object> groupMember(String bootstrap, String groupId, String clientId,
                                                  Class<?> assignor) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        return config;
    }

    /**
     * A consumer that reads topics whole, outside any group (it assigns partitions itself), committed records only:
     * the compacted state topics and the transactional topology and alerts topics.
     */
    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String clientId,
                                                               Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaConsumer<>(config, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    /**
     * Every partition of a topic, for a consumer that reads it whole (no group); fails with the topic's name when
     * it does not exist yet (the reader retries).
     */
    public static java.util.List<org.apache.kafka.common.TopicPartition> partitions(KafkaConsumer<?, ?> consumer,
                                                                                   String topic) {
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist yet");
        }
        return infos.stream().map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
    }

    /**
     * Stops a thread that polls {@code consumer}: wakes the poll up (the thread sees its closed flag, already set by
     * the caller, and leaves) and waits for it to finish.
     */
    public static void wakeUpAndJoin(KafkaConsumer<?, ?> consumer, Thread thread, Duration patience) {
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(patience.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
