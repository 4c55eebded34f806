package io.mysqlha.topology.kafka;

import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.kafka.DeadLetters;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.kafka.KafkaClients;
import io.mysqlha.topology.core.AlertCondition;
import io.mysqlha.topology.core.AlertTracker;
import io.mysqlha.topology.core.ClusterBook;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The one owner of each cluster's topology. A consumer-group member over the clusters, health and failover topics
 * with the range assignor: all three have the same partition count and are keyed by cluster id, so partition p
 * of each lands on the same member and that member owns the clusters of p. On assignment it restores those
 * clusters ({@link StateRestorer}) and continues where the restore stopped; then each round it applies what
 * arrived, looks at every owned cluster, and publishes what changed in one transaction ({@link DecisionPublisher}).
 * Everything runs on one thread.
 */
public final class TopologyOwner implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TopologyOwner.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** Settings of the owner; {@code tick} is how often clusters are looked at when nothing arrives. */
    public record Settings(KafkaAccess kafka, String groupId, Topics topics, EventSource source, Duration healthWindow,
                           Duration tick) {
    }

    private record Owned(int partition, ClusterBook book) {
    }

    /** A cluster whose spec was removed: its topology gets a tombstone and its alerts are resolved. */
    private record Removal(int partition, AlertTracker alerts) {
    }

    private final Settings settings;
    private final Clock clock;
    private final IgnoredRecords ignored;
    private final OwnerEvents events;
    private final Producer<byte[], byte[]> deadLetters;
    private final StateRestorer restorer;
    private final DecisionPublisher publisher;
    private final EventCodec codec = new EventCodec();
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    private final Map<String, Removal> removing = new HashMap<>();
    private final String memberName;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean assigned;
    private volatile boolean closed;
    private Instant retryAt = Instant.MIN;
    private long roundStartedNanos;
    private final AtomicLong rounds = new AtomicLong();
    private Thread thread;

    public TopologyOwner(Settings settings, Clock clock, IgnoredRecords ignored, OwnerEvents events,
                         Producer<byte[], byte[]> deadLetters) {
        this.settings = settings;
        this.clock = clock;
        this.ignored = ignored;
        this.events = events;
        this.deadLetters = deadLetters;
        this.memberName = settings.groupId() + "/" + settings.source().instance();
        this.restorer = new StateRestorer(settings.kafka(), settings.topics(), settings.healthWindow(),
                settings.source().service());
        this.publisher = new DecisionPublisher(settings.kafka(), settings.groupId() + "-"
                + settings.source().instance());
    }

    public void start() {
        thread = Thread.ofPlatform().name("topology-owner").daemon().start(this);
    }

    /** True once the group gave this instance its partitions and their clusters were restored. */
    public boolean assigned() {
        return assigned;
    }

    public Set<String> ownedClusters() {
        return Set.copyOf(owned.keySet());
    }

    @Override
    public void run() {
        KafkaClients.ownPartitions(settings.kafka(), settings.groupId(), memberName, () -> closed,
                List.of(name(Topic.CLUSTERS), name(Topic.HEALTH), name(Topic.FAILOVER)), this::rebalance, this::round,
                c -> consumer = c, this::releaseAll, LOG);
        publisher.close();
    }

    private void round(KafkaConsumer<byte[], byte[]> c) {
        var records = c.poll(settings.tick());
        roundStartedNanos = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            handle(r);
        }
        Instant now = clock.instant();
        owned.values().forEach(o -> o.book().tick(now));
        publishDue(c, now);
        rounds.incrementAndGet();
    }

    /** Rounds completed (read, look at every cluster, publish): everything read before a round is acted on after it. */
    public long rounds() {
        return rounds.get();
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (r.topic().equals(name(Topic.CLUSTERS))) {
            handleSpec(r, key);
            return;
        }
        boolean health = r.topic().equals(name(Topic.HEALTH));
        if (r.value() == null) {
            ignored.ignore(r.topic(), "empty", String.valueOf(key), "a record without a value at "
                    + DeadLetters.origin(r) + "; only the clusters and topology topics have tombstones");
            return;
        }
        switch (codec.decode(r.value())) {
            case DecodeResult.Rejected rejected -> {
                ignored.ignore(r.topic(), "undecodable", String.valueOf(key), DeadLetters.origin(r) + ": "
                        + rejected.reason());
                if (!health) {
                    deadLetter(r, rejected.reason());
                }
            }
            case DecodeResult.Accepted(NodeHealthObserved o) -> observe(r, o);
            case DecodeResult.Accepted(FailoverCompleted f) -> failover(r, f);
            case DecodeResult.Accepted accepted -> {
                if (health) {
                    ignored.ignore(r.topic(), "wrong_type", String.valueOf(key), "a "
                            + accepted.event().header().type() + " at " + DeadLetters.origin(r));
                }
                // the failover topic's other events (started, steps, failed) say nothing about routing
            }
        }
    }

    private void handleSpec(ConsumerRecord<byte[], byte[]> r, String key) {
        if (key == null) {
            ignored.ignore(r.topic(), "no_key", "-", DeadLetters.origin(r) + " has no key; a spec is keyed by its"
                    + " cluster id");
            return;
        }
        if (r.value() == null) {
            Owned gone = owned.remove(key);
            if (gone != null) {
                LOG.infof("cluster %s removed (tombstone at %s): its topology is withdrawn and its alerts resolved",
                        key, DeadLetters.origin(r));
                removing.put(key, new Removal(gone.partition(), gone.book().alerts()));
                events.released(key);
            }
            return;
        }
        switch (codec.decode(r.value())) {
            case DecodeResult.Accepted(ClusterSpecDefined d) -> {
                removing.remove(key);
                Owned current = owned.get(key);
                if (current == null) {
                    owned.put(key, new Owned(r.partition(), new ClusterBook(d.spec(), d.specVersion(),
                            clock.instant())));
                    LOG.infof("cluster %s (spec version %d, %s, %d nodes) now derived here", key, d.specVersion(),
                            d.spec().kind(), d.spec().nodes().size());
                } else if (d.specVersion() != current.book().specVersion()
                        || !d.spec().equals(current.book().spec())) {
                    current.book().respec(d.spec(), d.specVersion());
                    LOG.infof("cluster %s: spec version %d applied", key, d.specVersion());
                }
            }
            case DecodeResult.Accepted other -> {
                String why = "a " + other.event().header().type() + " does not belong on " + r.topic();
                ignored.ignore(r.topic(), "wrong_type", key, DeadLetters.origin(r) + ": " + why);
                deadLetter(r, why);
            }
            case DecodeResult.Rejected rejected -> {
                ignored.ignore(r.topic(), "undecodable", key, DeadLetters.origin(r) + ": " + rejected.reason());
                deadLetter(r, rejected.reason());
            }
        }
    }

    private void observe(ConsumerRecord<byte[], byte[]> r, NodeHealthObserved o) {
        Owned o1 = owned.get(o.clusterId());
        if (o1 == null) {
            ignored.ignore(r.topic(), "unknown_cluster", o.clusterId(), "an observation of " + o.clusterId() + "/"
                    + o.nodeId() + ", a cluster with no spec on " + name(Topic.CLUSTERS)
                    + ": apply its spec, or stop the probe that reports it");
            return;
        }
        o1.book().observe(o).ifPresent(why -> ignored.ignore(r.topic(), why.name().toLowerCase(),
                o.clusterId() + "/" + o.nodeId(), switch (why) {
                    case UNKNOWN_NODE -> "an observation of node " + o.nodeId() + ", which the spec of "
                            + o.clusterId() + " (version " + o1.book().specVersion() + ") does not list";
                    case OUT_OF_ORDER -> "an observation of " + o.clusterId() + "/" + o.nodeId() + " made at "
                            + o.header().time() + ", older than the one topology already has";
                    case OLDER_EPOCH -> "unexpected";
                }));
    }

    private void failover(ConsumerRecord<byte[], byte[]> r, FailoverCompleted f) {
        Owned o = owned.get(f.clusterId());
        if (o == null) {
            ignored.ignore(r.topic(), "unknown_cluster", f.clusterId(), "FailoverCompleted for " + f.clusterId()
                    + ", a cluster with no spec");
            return;
        }
        o.book().failover(f).ifPresentOrElse(why -> ignored.ignore(r.topic(), why.name().toLowerCase(),
                        f.clusterId(), "FailoverCompleted of epoch " + f.epoch() + " to " + f.newPrimary()
                                + " not applied: topology has epoch " + o.book().epoch().epoch()
                                + (why == ClusterBook.Ignored.UNKNOWN_NODE
                                ? " and the spec does not list " + f.newPrimary() : "")),
                () -> LOG.infof("cluster %s: epoch %d makes %s the writer (failover %s)", f.clusterId(), f.epoch(),
                        f.newPrimary(), f.failoverId()));
    }

    /** Publishes, as one transaction, every cluster's decision that changed something. */
    private void publishDue(KafkaConsumer<byte[], byte[]> c, Instant now) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<Runnable> onCommit = new ArrayList<>();
        owned.forEach((id, o) -> o.book().decide(now).ifPresent(d -> {
            if (d.nothingToPublish()) {
                o.book().committed(d);
                return;
            }
            var changed = d.next().map(p -> TopologyRecords.changed(header(TopologyChanged.class, id), p, d.cause()));
            changed.ifPresent(t -> out.add(record(Topic.TOPOLOGY, id, t)));
            alerts(id, d.raised(), d.resolved(), out);
            onCommit.add(() -> {
                o.book().committed(d);
                events.alerts(id, o.book().alerts().active().values());
                changed.ifPresent(t -> {
                    events.published(id, t, System.nanoTime() - roundStartedNanos);
                    LOG.infof("cluster %s generation %d: %s", id, t.generation(), d.cause());
                });
            });
        }));
        removing.forEach((id, gone) -> {
            out.add(new ProducerRecord<>(name(Topic.TOPOLOGY), id.getBytes(StandardCharsets.UTF_8), null));
            alerts(id, List.of(), List.copyOf(gone.alerts().active().values()), out);
            onCommit.add(() -> removing.remove(id));
        });
        if (out.isEmpty() || now.isBefore(retryAt)) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        c.assignment().forEach(tp -> positions.put(tp, new OffsetAndMetadata(c.position(tp))));
        if (publisher.publish(out, positions, c.groupMetadata())) {
            onCommit.forEach(Runnable::run);
            retryAt = Instant.MIN;
        } else {
            events.publishFailed();
            retryAt = now.plus(RETRY);
        }
    }

    private void alerts(String clusterId, List<AlertCondition> raised, List<AlertCondition> resolved,
                        List<ProducerRecord<byte[], byte[]>> out) {
        raised.forEach(a -> out.add(record(Topic.ALERTS, clusterId,
                TopologyRecords.raised(header(AlertRaised.class, clusterId), a))));
        resolved.forEach(a -> out.add(record(Topic.ALERTS, clusterId,
                TopologyRecords.resolved(header(AlertResolved.class, clusterId), a))));
    }

    private ConsumerRebalanceListener rebalance(KafkaConsumer<byte[], byte[]> c) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                release(partitions, "revoked");
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                release(partitions, "lost");
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                Set<Integer> numbers = numbers(partitions);
                if (!numbers.isEmpty()) {
                    long started = System.nanoTime();
                    StateRestorer.Restored restored = restorer.restore(numbers, clock.instant());
                    restored.clusters().forEach((id, o) -> owned.put(id, new Owned(o.partition(), o.book())));
                    partitions.forEach(tp -> c.seek(tp, restored.positions().getOrDefault(tp, 0L)));
                    LOG.infof("%s owns partitions %s: %d cluster(s) restored from %d record(s) in %d ms", memberName,
                            numbers, restored.clusters().size(), restored.records(),
                            (System.nanoTime() - started) / 1_000_000);
                }
                assigned = true;
            }
        };
    }

    private void release(Collection<TopicPartition> partitions, String why) {
        Set<Integer> gone = numbers(partitions);
        owned.entrySet().removeIf(e -> {
            if (gone.contains(e.getValue().partition())) {
                events.released(e.getKey());
                return true;
            }
            return false;
        });
        removing.values().removeIf(r -> gone.contains(r.partition()));
        if (!gone.isEmpty()) {
            LOG.infof("%s released partitions %s (%s)", memberName, gone, why);
        }
    }

    private void releaseAll() {
        owned.keySet().forEach(events::released);
        owned.clear();
        removing.clear();
        assigned = false;
    }

    private EventHeader header(Class<? extends Event> type, String clusterId) {
        return EventHeader.of(type, clusterId, clock, settings.source());
    }

    private ProducerRecord<byte[], byte[]> record(Topic topic, String clusterId, Event event) {
        return new ProducerRecord<>(name(topic), clusterId.getBytes(StandardCharsets.UTF_8), codec.encode(event));
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
        deadLetters.send(DeadLetters.of(settings.topics(), r, reason, memberName));
    }

    private String name(Topic topic) {
        return settings.topics().name(topic);
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        closed = true;
        KafkaClients.wakeUpAndJoin(consumer, thread, Duration.ofSeconds(15));
    }
}
