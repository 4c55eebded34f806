package io.mysqlha.gateway.kafka;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverFailed;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.gateway.routing.RoutingTable;
import io.mysqlha.service.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Every gateway instance reads the whole clusters and topology topics (both compacted, committed records only), from
 * the beginning and then as they grow: specs say which listeners to open, TopologyChanged says where they send.
 * No consumer group: gateways are stateless and each needs everything. Fail static: when Kafka is away the routing
 * table keeps what it has, and the consumer reconnects on its own.
 */
public final class TopologyFollower implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TopologyFollower.class);

    private final KafkaAccess kafka;
    private final Topics topics;
    private final RoutingTable table;
    private final Consumer<Map<String, ClusterSpec>> onSpecs;
    private final EventCodec codec = new EventCodec();
    private final Map<String, ClusterSpec> specs = new HashMap<>();
    private final AtomicLong staleGenerations = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean loaded;
    private volatile boolean closed;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public TopologyFollower(KafkaAccess kafka, Topics topics, RoutingTable table,
                            Consumer<Map<String, ClusterSpec>> onSpecs) {
        this.kafka = kafka;
        this.topics = topics;
        this.table = table;
        this.onSpecs = onSpecs;
    }

    public void start() {
        thread = Thread.ofPlatform().name("topology-follower").daemon().start(this);
    }

    /** True once both topics were read to where they ended when the gateway started. */
    public boolean loaded() {
        return loaded;
    }

    public long staleGenerations() {
        return staleGenerations.get();
    }

    public long refused() {
        return refused.get();
    }

    @Override
    public void run() {
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c = KafkaClients.committedReader(kafka, "gateway-topology",
                    Map.of())) {
                consumer = c;
                List<TopicPartition> all = new ArrayList<>(partitions(c, Topic.CLUSTERS));
                all.addAll(partitions(c, Topic.TOPOLOGY));
                List<TopicPartition> failover = partitions(c, Topic.FAILOVER);
                // primary changes from now on: the ones before are in the topology already
                KafkaClients.assign(c, all, failover);
                failover.forEach(c::position);
                Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(all));
                while (!closed) {
                    boolean specsChanged = false;
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        specsChanged |= apply(r);
                    }
                    if (!loaded) {
                        end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                    }
                    if (specsChanged || !loaded && end.isEmpty()) {
                        onSpecs.accept(Map.copyOf(specs));
                    }
                    if (!loaded && end.isEmpty()) {
                        loaded = true;
                        LOG.infof("gateway: topology loaded: %d cluster spec(s), routes for %s", specs.size(),
                                table.all().keySet());
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                LOG.warnf("gateway: reading %s failed (%s); routing stays as it is, reading again in 1 s",
                        topics.name(Topic.TOPOLOGY), e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Returns true when the specs changed. */
    private boolean apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return false;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        boolean clusters = r.topic().equals(topics.name(Topic.CLUSTERS));
        if (r.topic().equals(topics.name(Topic.FAILOVER))) {
            primaryChange(r);
            return false;
        }
        if (r.value() == null) {
            if (clusters) {
                return specs.remove(key) != null;
            }
            table.remove(key);
            return false;
        }
        switch (codec.decode(r.value())) {
            case DecodeResult.Accepted(ClusterSpecDefined d) when clusters -> {
                return !d.spec().equals(specs.put(key, d.spec()));
            }
            case DecodeResult.Accepted(TopologyChanged t) when !clusters -> {
                if (table.apply(t) == RoutingTable.Applied.STALE) {
                    staleGenerations.incrementAndGet();
                    LOG.debugf("gateway: ignored generation %d of %s (have a newer one)", t.generation(), key);
                } else {
                    LOG.infof("gateway: %s generation %d: writer %s, %d reader(s)", key, t.generation(),
                            t.writers().isEmpty() ? "none" : t.writers().getFirst().nodeId(), t.readers().size());
                }
                return false;
            }
            case DecodeResult.Accepted other -> {
                refused.incrementAndGet();
                return false;
            }
            case DecodeResult.Rejected rejected -> {
                refused.incrementAndGet();
                LOG.warnf("gateway: ignored a record on %s partition %d offset %d: %s", r.topic(), r.partition(),
                        r.offset(), rejected.reason());
                return false;
            }
        }
    }

    /** Holds writes while a switchover or failover replaces a primary; releases them when it ends. */
    private void primaryChange(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        switch (codec.decode(r.value())) {
            case DecodeResult.Accepted(FailoverStarted s) when !s.dryRun() -> {
                table.holdWrites(s.clusterId(), s.failoverId(), s.epoch());
                LOG.infof("gateway: %s %s of %s started (epoch %d): new writes held until the new writer is"
                        + " published", s.kind().name().toLowerCase(), s.failoverId(), s.clusterId(), s.epoch());
            }
            // the hold ends with the topology of the new epoch, not with FailoverCompleted: that arrives before topology
            // named the new writer, and released writes would go to the old, fenced one (1290 for the client)
            case DecodeResult.Accepted(FailoverCompleted c) -> LOG.infof("gateway: %s of %s completed (epoch %d, %s);"
                    + " writes stay held until the topology of epoch %d", c.failoverId(), c.clusterId(), c.epoch(),
                    c.newPrimary(), c.epoch());
            case DecodeResult.Accepted(FailoverFailed f) -> {
                table.release(f.clusterId(), f.failoverId());
                LOG.warnf("gateway: %s of %s failed at %s; writes go to the writer the topology names",
                        f.failoverId(), f.clusterId(), f.step());
            }
            default -> {
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, Topic topic) {
        return KafkaClients.partitions(c, topics.name(topic));
    }

    @Override
    public void close() {
        closed = true;
        KafkaClients.wakeUpAndJoin(consumer, thread, Duration.ofSeconds(10));
    }
}
