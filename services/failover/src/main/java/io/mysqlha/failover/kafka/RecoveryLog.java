package io.mysqlha.failover.kafka;

import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverFailed;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
import io.mysqlha.events.FailureAnalyzed;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.kafka.KafkaClients;
import io.mysqlha.service.kafka.ReadModel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every cluster's recent recoveries and analyses as any failover instance shows them over REST, read from the
 * decision log (the failover topic) and the specs, whichever instance acted. Not a decision input.
 */
public final class RecoveryLog extends ReadModel {
    private static final int KEPT = 20;

    /** One step as the decision log has it. */
    public record Step(String step, long durationMillis, String detail, Instant at) {
    }

    /** One recovery: started (or a small one's first step), its steps, and how it ended. */
    public record Entry(String recoveryId, String kind, String problem, String oldPrimary, String candidate,
                        Long epoch, boolean dryRun, String status, String reason, Instant startedAt, Instant endedAt,
                        List<Step> steps, Long lostTransactions) {
    }

    /** One analysis as published. */
    public record Analyzed(Instant at, String problem, String nodeId, String action, String detail) {
    }

    private final Topics topics;
    private final EventCodec codec = new EventCodec();
    private final Map<String, ClusterSpecDefined> specs = new ConcurrentHashMap<>();
    private final Map<String, LinkedHashMap<String, Entry>> recoveries = new ConcurrentHashMap<>();
    private final Map<String, Deque<Analyzed>> analyses = new ConcurrentHashMap<>();

    public RecoveryLog(KafkaAccess kafka, Topics topics) {
        super(kafka, "failover-log");
        this.topics = topics;
    }

    public Optional<ClusterSpecDefined> spec(String clusterId) {
        return Optional.ofNullable(specs.get(clusterId));
    }

    public List<String> clusterIds() {
        return specs.keySet().stream().sorted().toList();
    }

    /** Newest first. */
    public List<Entry> recoveries(String clusterId) {
        LinkedHashMap<String, Entry> m = recoveries.get(clusterId);
        if (m == null) {
            return List.of();
        }
        synchronized (m) {
            List<Entry> out = new ArrayList<>(m.values());
            java.util.Collections.reverse(out);
            return out;
        }
    }

    /** Newest first. */
    public List<Analyzed> analyses(String clusterId) {
        Deque<Analyzed> d = analyses.get(clusterId);
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            return List.copyOf(d);
        }
    }

    @Override
    protected void position(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> all = new ArrayList<>(KafkaClients.partitions(c, topics.name(Topic.CLUSTERS)));
        all.addAll(KafkaClients.partitions(c, topics.name(Topic.FAILOVER)));
        KafkaClients.assign(c, all, List.of());
    }

    @Override
    protected void apply(String key, ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            if (r.topic().equals(topics.name(Topic.CLUSTERS))) {
                specs.remove(key);
            }
            return;
        }
        if (!(codec.decode(r.value()) instanceof DecodeResult.Accepted accepted)) {
            return;
        }
        switch (accepted.event()) {
            case ClusterSpecDefined d -> specs.put(key, d);
            case FailoverStarted s -> put(key, s.failoverId(), e -> new Entry(s.failoverId(), s.kind().name(),
                    s.problem(), s.oldPrimary(), s.candidate(), s.epoch(), s.dryRun(), s.dryRun() ? "dry-run"
                    : "running", null, s.header().time(), null, e == null ? List.of() : e.steps(), null));
            case FailoverStepCompleted st -> put(key, st.failoverId(), e -> {
                List<Step> steps = new ArrayList<>(e == null ? List.of() : e.steps());
                steps.add(new Step(st.step(), st.durationMillis(), st.detail(), st.header().time()));
                return e == null ? new Entry(st.failoverId(), "REPAIR", null, null, null, null, false,
                        st.step().endsWith("refused") ? "refused" : "completed", null, st.header().time(),
                        st.header().time(), steps, null)
                        : new Entry(e.recoveryId(), e.kind(), e.problem(), e.oldPrimary(), e.candidate(), e.epoch(),
                        e.dryRun(), e.status(), e.reason(), e.startedAt(), e.endedAt(), steps, e.lostTransactions());
            });
            case FailoverCompleted f -> put(key, f.failoverId(), e -> new Entry(f.failoverId(), f.kind().name(),
                    e == null ? null : e.problem(), f.oldPrimary(), f.newPrimary(), f.epoch(), false, "completed",
                    null, e == null ? null : e.startedAt(), f.header().time(), e == null ? List.of() : e.steps(),
                    f.lostTransactions()));
            case FailoverFailed f -> put(key, f.failoverId(), e -> new Entry(f.failoverId(), f.kind().name(),
                    e == null ? null : e.problem(), e == null ? null : e.oldPrimary(),
                    e == null ? null : e.candidate(), e == null ? null : e.epoch(), false, "failed",
                    "at " + f.step() + ": " + f.reason(), e == null ? f.header().time() : e.startedAt(),
                    f.header().time(), e == null ? List.of() : e.steps(), null));
            case FailureAnalyzed a -> {
                Deque<Analyzed> d = analyses.computeIfAbsent(key, k -> new LinkedList<>());
                synchronized (d) {
                    d.addFirst(new Analyzed(a.header().time(), a.problem(), a.nodeId(), a.action(), a.detail()));
                    while (d.size() > KEPT) {
                        d.removeLast();
                    }
                }
            }
            default -> {
            }
        }
    }

    private void put(String clusterId, String id, java.util.function.UnaryOperator<Entry> change) {
        LinkedHashMap<String, Entry> m = recoveries.computeIfAbsent(clusterId, k -> new LinkedHashMap<>());
        synchronized (m) {
            m.put(id, change.apply(m.get(id)));
            while (m.size() > KEPT) {
                m.remove(m.keySet().iterator().next());
            }
        }
    }
}
