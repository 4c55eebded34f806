package io.mysqlha.testsupport.bench;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.health.LagSource;
import io.mysqlha.events.health.ReplicationChannel;
import io.mysqlha.events.health.ThreadState;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.services.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The time from a NodeHealthObserved to the TopologyChanged it causes, through a real broker and the packaged
 * topology service, beside Kafka's own produce-to-consume time on the same broker in the same run (the floor any
 * Kafka-connected service pays twice: observation in, topology out). Each iteration keeps two nodes fresh and
 * flips a third replica's SQL thread, which moves it between the readers and offline at once (no hysteresis on
 * broken replication), so every iteration causes exactly one generation. Prints figures; asserts nothing.
 */
public final class TopologyLatencyBench {
    private static final byte[] KEY = "bench-latency".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        int iterations = Integer.parseInt(System.getProperty("iterations", "500"));
        int warmup = Integer.parseInt(System.getProperty("warmup", "100"));
        Topics topics = new Topics("bench-" + UUID.randomUUID().toString().substring(0, 6) + ".");
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("bench");
        ServiceProcess topology = ServiceProcess.start("topology", Map.of("mysqlha.kafka.bootstrap-servers", bootstrap,
                "mysqlha.topic-prefix", topics.prefix(), "mysqlha.instance-id", "bench"), dir);
        EventCodec codec = new EventCodec();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
             var out = consumer(bootstrap, topics.name(Topic.TOPOLOGY));
             var echo = consumer(bootstrap, topics.name(Topic.DEAD_LETTER))) {
            ClusterSpec spec = new ClusterSpec("bench-latency", ClusterKind.SEMI_SYNC, List.of(
                    new NodeSpec("n1", "10.0.0.1", 3306, null, null, null, null),
                    new NodeSpec("n2", "10.0.0.2", 3306, null, null, null, null),
                    new NodeSpec("n3", "10.0.0.3", 3306, null, null, null, null)), null, null, null, null, null, null);
            producer.send(new ProducerRecord<>(topics.name(Topic.CLUSTERS), KEY, codec.encode(new ClusterSpecDefined(
                    header("ClusterSpecDefined"), 1, spec)))).get();
            long cpuBefore = 0;
            List<Long> topologyMicros = new ArrayList<>();
            List<Long> kafkaMicros = new ArrayList<>();
            long lastGeneration = 0;
            for (int i = 0; i < warmup + iterations; i++) {
                if (i == warmup) {
                    cpuBefore = cpuTicks(topology.process().pid());
                }
                producer.send(health(codec, topics, "n1", false, ThreadState.RUNNING));
                producer.send(health(codec, topics, "n2", true, ThreadState.RUNNING));
                long sent = System.nanoTime();
                producer.send(health(codec, topics, "n3", true, i % 2 == 0 ? ThreadState.STOPPED : ThreadState.RUNNING));
                long generation = awaitGeneration(out, codec, lastGeneration);
                long topologyTook = System.nanoTime() - sent;
                lastGeneration = generation;

                long echoSent = System.nanoTime();
                producer.send(new ProducerRecord<>(topics.name(Topic.DEAD_LETTER), KEY, new byte[64]));
                awaitAny(echo);
                long kafkaTook = System.nanoTime() - echoSent;
                if (i >= warmup) {
                    topologyMicros.add(topologyTook / 1_000);
                    kafkaMicros.add(kafkaTook / 1_000);
                }
            }
            double cpuSeconds = (cpuTicks(topology.process().pid()) - cpuBefore) / 100.0;
            long rss = rssKib(topology.process().pid());
            System.out.printf("topology-latency: %d iterations after %d warm-up, %d cores, one broker, the packaged"
                    + " topology service (transactional publish)%n", iterations, warmup,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%-48s %9s %9s %9s%n", "", "p50 ms", "p99 ms", "max ms");
            print("baseline: Kafka produce -> consume (same broker)", kafkaMicros);
            print("NodeHealthObserved -> TopologyChanged", topologyMicros);
            System.out.printf("topology service: %.1f s of CPU over the measured iterations, RSS %d MiB%n", cpuSeconds,
                    rss / 1024);
            System.out.println("target: p99 <= 50 ms");
        } finally {
            topology.close();
        }
        System.exit(0);
    }

    private static EventHeader header(String type) {
        return new EventHeader(UUID.randomUUID().toString(), type, "bench-latency", Instant.now(), "bench", "bench",
                "1.0");
    }

    private static ProducerRecord<byte[], byte[]> health(EventCodec codec, Topics topics, String node, boolean replica,
                                                          ThreadState sql) {
        ReplicationChannel channel = replica ? new ReplicationChannel("10.0.0.1", 3306, ThreadState.RUNNING, sql, 0,
                null, 0, null, 0L, "0-1-5", "0-1-5", "Slave_Pos") : null;
        NodeHealthObserved o = new NodeHealthObserved(header("NodeHealthObserved"), node, "10.0.0.9", 3306, true, null,
                100, Flavour.MARIADB, "10.11", replica, null, null, null, channel, null, replica ? 0L : null,
                replica ? LagSource.HEARTBEAT : null, null, null, null);
        return new ProducerRecord<>(topics.name(Topic.HEALTH), KEY, codec.encode(o));
    }

    private static long awaitGeneration(KafkaConsumer<byte[], byte[]> out, EventCodec codec, long after) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (var r : out.poll(Duration.ofMillis(1))) {
                if (r.value() != null && codec.decode(r.value()) instanceof DecodeResult.Accepted(TopologyChanged t)
                        && t.generation() > after) {
                    return t.generation();
                }
            }
        }
        throw new IllegalStateException("no TopologyChanged after generation " + after + " within 30 s");
    }

    private static void awaitAny(KafkaConsumer<byte[], byte[]> echo) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!echo.poll(Duration.ofMillis(1)).isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException("the baseline record did not come back within 30 s");
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        var c = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(tps);
        c.seekToEnd(tps);
        tps.forEach(c::position);
        return c;
    }

    private static void print(String label, List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        System.out.printf("%-48s %9.1f %9.1f %9.1f%n", label, at(sorted, 0.50) / 1000.0, at(sorted, 0.99) / 1000.0,
                sorted.getLast() / 1000.0);
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static long cpuTicks(long pid) throws java.io.IOException {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssKib(long pid) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    }
}
