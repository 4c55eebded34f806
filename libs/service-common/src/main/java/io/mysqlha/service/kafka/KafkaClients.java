package io.mysqlha.service.kafka;

import io.mysqlha.events.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.Map;

/** What the services' Kafka consumers have in common: group membership settings, and stopping a poll thread. */
public final class KafkaClients {
    private KafkaClients() {
    }

    /**
     * A consumer-group member that owns clusters by partition: offsets are never auto-committed (an owner replays
     * what it owns on assignment), and a member that dies without leaving loses its partitions after 10 s.
     */
    public static Map<String, Object> groupMember(KafkaAccess kafka, String groupId, String clientId,
                                                  Class<?> assignor) {
        Map<String, Object> config = kafka.config(Map.of());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        return config;
    }

    /**
     * The consumer of a service that owns clusters by partition across several topics (topology, failover): range
     * assignor, so partition p of every subscribed topic goes to the same member; committed records only; a new
     * group starts at the end (the owner replays what it needs itself); short fetch waits, decisions are latency.
     */
    public static KafkaConsumer<byte[], byte[]> partitionOwner(KafkaAccess kafka, String groupId, String memberName) {
        Map<String, Object> config = groupMember(kafka, groupId, memberName,
                org.apache.kafka.clients.consumer.RangeAssignor.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        return new KafkaConsumer<>(config, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    /**
     * Runs a partition owner's loop until {@code closed} says stop: subscribes {@code topics} with the owner's
     * rebalance listener and runs rounds; a consumer lost to an error releases every owned cluster and rejoins the
     * group a second later (an owner never acts on what it may no longer own). Releases everything when it ends.
     */
    public static void ownPartitions(KafkaAccess kafka, String groupId, String memberName,
                                     java.util.function.BooleanSupplier closed, java.util.List<String> topics,
                                     java.util.function.Function<KafkaConsumer<byte[], byte[]>,
                                             org.apache.kafka.clients.consumer.ConsumerRebalanceListener> rebalance,
                                     java.util.function.Consumer<KafkaConsumer<byte[], byte[]>> round,
                                     java.util.function.Consumer<KafkaConsumer<byte[], byte[]>> published,
                                     Runnable releaseAll, org.jboss.logging.Logger log) {
        while (!closed.getAsBoolean()) {
            try (KafkaConsumer<byte[], byte[]> c = partitionOwner(kafka, groupId, memberName)) {
                published.accept(c);
                c.subscribe(topics, rebalance.apply(c));
                while (!closed.getAsBoolean()) {
                    round.accept(c);
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                if (!closed.getAsBoolean()) {
                    log.warnf("%s woken up unexpectedly; rejoining the group", memberName);
                }
            } catch (RuntimeException e) {
                log.errorf(e, "%s lost its consumer (%s); releasing its clusters and rejoining in 1 s", memberName,
                        e.getMessage());
                releaseAll.run();
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        releaseAll.run();
    }

    /**
     * A consumer that reads topics whole, outside any group (it assigns partitions itself), committed records only:
     * the compacted state topics and the transactional topology and alerts topics.
     */
    public static KafkaConsumer<byte[], byte[]> committedReader(KafkaAccess kafka, String clientId,
                                                               Map<String, Object> extra) {
        Map<String, Object> config = kafka.config(extra);
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
     * Assigns {@code consumer} the partitions of both lists: those of {@code whole} read from their beginning (a
     * compacted topic's state), those of {@code fromEnd} from their end (only what happens from now on); either
     * list may be empty.
     */
    public static void assign(KafkaConsumer<?, ?> consumer, java.util.List<org.apache.kafka.common.TopicPartition> whole,
                              java.util.List<org.apache.kafka.common.TopicPartition> fromEnd) {
        java.util.List<org.apache.kafka.common.TopicPartition> all = new java.util.ArrayList<>(whole);
        all.addAll(fromEnd);
        consumer.assign(all);
        // an empty list would mean every assigned partition to the consumer's seek methods
        if (!whole.isEmpty()) {
            consumer.seekToBeginning(whole);
        }
        if (!fromEnd.isEmpty()) {
            consumer.seekToEnd(fromEnd);
        }
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
