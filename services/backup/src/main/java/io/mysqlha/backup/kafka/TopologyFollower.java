package io.mysqlha.backup.kafka;

import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.service.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The latest topology of every cluster, read whole from the compacted topology topic (committed records only),
 * newer generations only; {@code changed} hears each one that moved a cluster forward.
 */
public final class TopologyFollower implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TopologyFollower.class);

    private final String bootstrap;
    private final Topics topics;
    private final Consumer<TopologyChanged> changed;
    private final EventCodec codec = new EventCodec();
    private final Map<String, TopologyChanged> latest = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private Thread thread;

    public TopologyFollower(String bootstrap, Topics topics, Consumer<TopologyChanged> changed) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.changed = changed;
    }

    public void start() {
        thread = Thread.ofPlatform().name("backup-topology").daemon().start(this);
    }

    public Optional<TopologyChanged> topology(String clusterId) {
        return Optional.ofNullable(latest.get(clusterId));
    }

    @Override
    public void run() {
        KafkaClients.readWhole(bootstrap, "backup-topology", () -> closed, c -> {
            var partitions = KafkaClients.partitions(c, topics.name(Topic.TOPOLOGY));
            c.assign(partitions);
            c.seekToBeginning(partitions);
        }, this::apply, c -> consumer = c, LOG);
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
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

    @Override
    public void close() {
        closed = true;
        KafkaClients.wakeUpAndJoin(consumer, thread, Duration.ofSeconds(10));
    }
}
