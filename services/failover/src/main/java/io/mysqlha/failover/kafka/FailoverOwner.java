package io.mysqlha.failover.kafka;

import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.kafka.EventPublisher;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverFailed;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailureAnalyzed;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.RecoveryBlockAcknowledged;
import io.mysqlha.events.Severity;
import io.mysqlha.events.SwitchoverRequested;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.failover.core.Analysis;
import io.mysqlha.failover.core.ClusterSnapshot;
import io.mysqlha.failover.core.ClusterWatch;
import io.mysqlha.failover.core.FailureAnalyzer;
import io.mysqlha.failover.core.NodeView;
import io.mysqlha.failover.core.Problem;
import io.mysqlha.failover.core.Recovery;
import io.mysqlha.failover.core.RecoveryGuard;
import io.mysqlha.failover.core.RecoveryPlan;
import io.mysqlha.failover.core.RecoveryScheduler;
import io.mysqlha.failover.io.AdminAudit;
import io.mysqlha.failover.io.NodeRepair;
import io.mysqlha.failover.io.PromotionRequest;
import io.mysqlha.failover.io.RecoveryOutcome;
import io.mysqlha.failover.io.RecoveryRunner;
import io.mysqlha.service.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The one actor of each cluster's failover: a consumer-group member (range assignor) over the clusters, health,
 * topology, failover and commands topics, all keyed by cluster with the same partition count, so the member that
 * has partition p of them owns the clusters of p. On assignment it replays the specs, topologies and decision log
 * of its partitions and the last seconds of health before it judges anything; a recovery a predecessor began and
 * did not end is resumed with the same id, epoch and candidate. Each round it analyzes every owned cluster and
 * starts at most one recovery per cluster, on a recovery thread; outcomes come back to this thread.
 */
public final class FailoverOwner implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FailoverOwner.class);
    private static final Duration SMALL_RECOVERY_BACKOFF = Duration.ofSeconds(10);
    /**
     * How often each cluster's admin account is looked at again; sooner while a node did not answer or something
     * was found, so an operator who grants what an alert says sees it resolved within that.
     */
    private static final Duration AUDIT_EVERY = Duration.ofMinutes(5);
    private static final Duration AUDIT_RETRY = Duration.ofSeconds(30);

    /**
     * @param healthReplay how much health history a new owner reads to rebuild failure streaks
     * @param rejoin       make returning and disconnected nodes replicas of the primary automatically
     */
    public record Settings(KafkaAccess kafka, String groupId, Topics topics, EventSource source, Duration healthReplay,
                           Duration tick, Duration blockWindow, Duration retryAfterFailure, boolean rejoin,
                           boolean dryRun) {
    }

    private final Settings settings;
    private final Clock clock;
    private final RecoveryRunner runner;
    private final NodeRepair repair;
    private final AdminAudit audit;
    private final EventPublisher publisher;
    private final EventCodec codec = new EventCodec();
    private final Map<String, ClusterDesk> desks = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> outcomes = new ConcurrentLinkedQueue<>();
    private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService recoveries = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("failover-recovery-", 0).daemon().factory());
    private final Map<TopicPartition, Long> catchUpTo = new HashMap<>();
    private final List<ConsumerRecord<byte[], byte[]>> deferred = new ArrayList<>();
    /**
     * Newly assigned partitions held back until the specs of their clusters are read: a health observation, a
     * topology or a completed failover of a cluster without a desk yet would be dropped, and an owner taking over
     * just as a primary dies would not know which node was the primary.
     */
    private final Set<TopicPartition> afterSpecs = new HashSet<>();
    private final String memberName;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean assigned;
    private volatile boolean closed;
    private Thread thread;

    public FailoverOwner(Settings settings, Clock clock, RecoveryRunner runner, NodeRepair repair, AdminAudit audit,
                         EventPublisher publisher) {
        this.settings = settings;
        this.clock = clock;
        this.runner = runner;
        this.repair = repair;
        this.audit = audit;
        this.publisher = publisher;
        this.memberName = settings.groupId() + "/" + settings.source().instance();
    }

    public void start() {
        thread = Thread.ofPlatform().name("failover-owner").daemon().start(this);
    }

    /** True once the group assigned this instance its partitions and their history was read. */
    public boolean ready() {
        return assigned && catchUpTo.isEmpty();
    }

    public Set<String> ownedClusters() {
        return Set.copyOf(desks.keySet());
    }

    @Override
    public void run() {
        KafkaClients.ownPartitions(settings.kafka(), settings.groupId(), memberName, () -> closed,
                List.of(name(Topic.CLUSTERS), name(Topic.HEALTH), name(Topic.TOPOLOGY), name(Topic.FAILOVER),
                        name(Topic.COMMANDS)), this::rebalance, this::round, c -> consumer = c, this::releaseAll, LOG);
    }

    private void round(KafkaConsumer<byte[], byte[]> c) {
        var records = c.poll(settings.tick());
        Map<TopicPartition, OffsetAndMetadata> commands = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            boolean command = r.topic().equals(name(Topic.COMMANDS));
            if (command && !catchUpTo.isEmpty()) {
                deferred.add(r); // acted on once the cluster's state is read
            } else {
                handle(r, command);
            }
            if (command) {
                commands.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
        }
        if (!commands.isEmpty()) {
            c.commitSync(commands); // a command is acted on once, also across a restart
        }
        for (Runnable outcome; (outcome = outcomes.poll()) != null; ) {
            outcome.run();
        }
        if (!catchUpTo.isEmpty()) {
            catchUpTo.entrySet().removeIf(e -> !c.assignment().contains(e.getKey())
                    || c.position(e.getKey()) >= e.getValue());
            if (!afterSpecs.isEmpty() && catchUpTo.keySet().stream().noneMatch(this::specs)) {
                afterSpecs.retainAll(c.assignment());
                c.resume(afterSpecs);
                afterSpecs.clear();
            }
            if (catchUpTo.isEmpty()) {
                LOG.infof("%s caught up with %d cluster(s): %s", memberName, desks.size(), desks.keySet());
                desks.forEach(this::resumeUnfinished);
                deferred.forEach(r -> handle(r, true));
                deferred.clear();
            }
            return;
        }
        Instant now = clock.instant();
        desks.forEach((id, desk) -> {
            audit(id, desk, now);
            look(id, desk, now);
        });
    }

    /** Looks at the admin account on the cluster's nodes when due, on a recovery thread; findings become alerts. */
    private void audit(String clusterId, ClusterDesk d, Instant now) {
        if (d.auditing || now.isBefore(d.auditDue)) {
            return;
        }
        d.auditing = true;
        ClusterSpec spec = d.watch.spec();
        recoveries.submit(() -> {
            AdminAudit.Result result;
            try {
                result = audit.audit(spec);
            } catch (RuntimeException e) {
                LOG.warnf(e, "cluster %s: the admin account could not be looked at: %s", clusterId, e.getMessage());
                result = new AdminAudit.Result(Map.of(), List.of());
            }
            AdminAudit.Result found = result;
            outcomes.add(() -> {
                d.auditing = false;
                found.judged().forEach(d.adminFindings::remove);
                d.adminFindings.putAll(found.findings());
                boolean settled = found.judged().size() == spec.nodes().size() && d.adminFindings.isEmpty();
                d.auditDue = clock.instant().plus(settled ? AUDIT_EVERY : AUDIT_RETRY);
            });
        });
    }

    private void handle(ConsumerRecord<byte[], byte[]> r, boolean actOnCommands) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (key == null) {
            return;
        }
        if (r.value() == null) {
            if (r.topic().equals(name(Topic.CLUSTERS)) && desks.remove(key) != null) {
                LOG.infof("cluster %s removed: no longer watched", key);
            }
            return;
        }
        switch (codec.decode(r.value())) {
            case DecodeResult.Rejected rejected -> LOG.debugf("ignored a record on %s: %s", r.topic(),
                    rejected.reason());
            case DecodeResult.Accepted(ClusterSpecDefined d) -> spec(r.partition(), d.spec());
            case DecodeResult.Accepted(NodeHealthObserved o) -> desk(o.clusterId()).ifPresent(d -> d.watch.observe(o));
            case DecodeResult.Accepted(TopologyChanged t) -> desk(t.clusterId()).ifPresent(d -> d.watch.topology(t));
            case DecodeResult.Accepted(FailoverStarted s) -> desk(s.clusterId()).ifPresent(d -> {
                if (!s.dryRun()) {
                    d.unfinished.put(s.failoverId(), s);
                }
            });
            case DecodeResult.Accepted(FailoverCompleted f) -> desk(f.clusterId()).ifPresent(d -> {
                d.unfinished.remove(f.failoverId());
                d.watch.failoverCompleted(f);
                if (f.kind() == FailoverKind.FAILOVER) {
                    d.guard.promotionEndedAt(f.failoverId(), f.header().time());
                }
            });
            case DecodeResult.Accepted(FailoverFailed f) -> desk(f.clusterId()).ifPresent(
                    d -> d.unfinished.remove(f.failoverId()));
            case DecodeResult.Accepted(SwitchoverRequested s) -> {
                if (actOnCommands) {
                    desk(s.clusterId()).ifPresentOrElse(d -> switchover(s, d), () -> LOG.warnf(
                            "switchover %s of %s ignored: no spec of that cluster", s.requestId(), s.clusterId()));
                }
            }
            case DecodeResult.Accepted(RecoveryBlockAcknowledged a) -> {
                if (actOnCommands) {
                    desk(a.clusterId()).ifPresent(d -> {
                        d.guard.acknowledge();
                        LOG.infof("cluster %s: %s acknowledged the last recovery; the block window is cleared",
                                a.clusterId(), a.requestedBy());
                    });
                }
            }
            case DecodeResult.Accepted other -> {
            }
        }
    }

    private void spec(int partition, ClusterSpec spec) {
        ClusterDesk d = desks.get(spec.clusterId());
        if (d == null) {
            RecoveryGuard guard = new RecoveryGuard(clock, settings.blockWindow(), settings.retryAfterFailure());
            desks.put(spec.clusterId(), new ClusterDesk(partition, new ClusterWatch(spec), guard,
                    new RecoveryScheduler(guard, SMALL_RECOVERY_BACKOFF, settings.rejoin())));
        } else {
            d.watch.respec(spec);
            d.auditDue = Instant.EPOCH;
        }
    }

    private Optional<ClusterDesk> desk(String clusterId) {
        return Optional.ofNullable(desks.get(clusterId));
    }

    /** One cluster, one round: publish what is news, then start at most one recovery. */
    private void look(String clusterId, ClusterDesk d, Instant now) {
        if (!d.watch.spec().kind().usesPrimaryReplicaReplication()) {
            alerts(clusterId, d, List.of()); // the admin account's findings; the group recovers by itself
            return;
        }
        if (d.running != null) {
            return;
        }
        ClusterSnapshot snapshot = d.watch.snapshot();
        List<Analysis> found = FailureAnalyzer.analyze(snapshot);
        if (found.stream().noneMatch(a -> a.problem().primaryLost())) {
            // while the primary is lost the analysis names only that; keep what was found errant before it
            d.errant.clear();
            found.stream().filter(a -> a.problem() == Problem.ErrantGtidDetected).forEach(a -> d.errant.add(a.nodeId()));
        }
        for (Analysis a : d.watch.news(found, now)) {
            RecoveryPlan plan = d.scheduler.plan(a);
            publisher.publish(new FailureAnalyzed(header(FailureAnalyzed.class, clusterId), a.problem().name(),
                    a.nodeId(), plan.recovery().label(), a.detail() + " (" + plan.reason() + ")", a.inputs()));
            LOG.infof("cluster %s: %s%s: %s -> %s (%s)", clusterId, a.problem(), a.nodeId() == null ? ""
                    : " on " + a.nodeId(), a.detail(), plan.recovery().label(), plan.reason());
        }
        alerts(clusterId, d, found);
        RecoveryScheduler.Decision decision = d.scheduler.next(found, snapshot, now, () -> UUID.randomUUID().toString());
        decision.blocked().forEach((a, why) -> {
            Instant logged = d.blockedLogged.get(a.key());
            if (logged == null || now.isAfter(logged.plusSeconds(30))) {
                d.blockedLogged.put(a.key(), now);
                LOG.warnf("cluster %s: %s on %s not recovered now: %s", clusterId, a.problem(), a.nodeId(), why);
            }
        });
        decision.start().ifPresent(start -> start(clusterId, d, start, snapshot));
    }

    private void start(String clusterId, ClusterDesk d, RecoveryScheduler.Start start, ClusterSnapshot snapshot) {
        ClusterSpec spec = d.watch.spec();
        String id = start.id();
        Analysis a = start.plan().analysis();
        d.running = id;
        switch (start.plan().recovery()) {
            case PROMOTE -> {
                NodeView old = snapshot.nodes().get(a.nodeId());
                String own = FailureAnalyzer.ownTransactions(old.lastGood()).map(Object::toString).orElse(null);
                ClusterDesk.PromotionRetry retry = d.retry != null && d.retry.oldPrimary().equals(a.nodeId())
                        ? d.retry : null;
                d.retry = null;
                PromotionRequest request = retry == null
                        ? new PromotionRequest(id, FailoverKind.FAILOVER, a.problem().name(), spec, a.nodeId(),
                        d.watch.epoch() + 1, own, d.errant, null, false, settings.dryRun())
                        : new PromotionRequest(id, FailoverKind.FAILOVER, a.problem().name(), spec, a.nodeId(),
                        retry.epoch(), own, d.errant, retry.candidate(), true, false);
                if (retry != null) {
                    LOG.infof("cluster %s: resuming the failed promotion %s of %s as %s", clusterId,
                            retry.failoverId(), retry.candidate(), id);
                }
                submit(clusterId, id, () -> runner.promote(request), outcome -> promoted(clusterId, d, id,
                        Recovery.PROMOTE, outcome));
            }
            case FENCE_REPLICA -> {
                NodeSpec node = spec.node(a.nodeId()).orElseThrow();
                submit(clusterId, id, () -> {
                    repair.fence(id, spec, node);
                    return new RecoveryOutcome(id, true, null, node.id() + " fenced");
                }, outcome -> small(d, start, outcome));
            }
            case REJOIN -> {
                NodeSpec node = spec.node(a.nodeId()).orElseThrow();
                NodeSpec primary = spec.node(snapshot.primaryId()).orElseThrow();
                submit(clusterId, id, () -> {
                    NodeRepair.Rejoin rejoin = repair.rejoin(id, spec, node, primary);
                    return new RecoveryOutcome(id, rejoin.rejoined(), null, rejoin.detail(), null, rejoin.refusedAt());
                }, outcome -> small(d, start, outcome));
            }
            case SWITCHOVER, NONE -> d.running = null;
        }
    }

    private void switchover(SwitchoverRequested s, ClusterDesk d) {
        String clusterId = s.clusterId();
        Optional<String> primary = d.watch.primaryId();
        // a group's primary is the group's to say: the runner asks it, here no earlier epoch may decide
        boolean group = d.watch.spec().kind() == io.mysqlha.domain.ClusterKind.GROUP_REPLICATION;
        String refused = null;
        if (primary.isEmpty() && !group) {
            refused = "no primary is known for " + clusterId;
        } else if (s.targetNode() != null && d.watch.spec().node(s.targetNode()).isEmpty()) {
            refused = "the spec of " + clusterId + " has no node " + s.targetNode();
        } else if (!group && primary.get().equals(s.targetNode())) {
            refused = s.targetNode() + " already is the primary";
        } else if (!group && !d.watch.spec().kind().usesPrimaryReplicaReplication()) {
            refused = clusterId + " is a " + d.watch.spec().kind().specName() + " cluster: it has no single primary"
                    + " to switch over";
        }
        if (refused == null) {
            refused = d.guard.tryStart(s.requestId(), Recovery.SWITCHOVER).orElse(null);
        }
        if (refused != null) {
            LOG.warnf("switchover %s of %s refused: %s", s.requestId(), clusterId, refused);
            publisher.publish(new FailoverFailed(header(FailoverFailed.class, clusterId), s.requestId(),
                    FailoverKind.SWITCHOVER, "request", refused));
            return;
        }
        LOG.infof("cluster %s: switchover %s requested by %s%s", clusterId, s.requestId(), s.requestedBy(),
                s.targetNode() == null ? "" : " to " + s.targetNode());
        d.running = s.requestId();
        PromotionRequest request = new PromotionRequest(s.requestId(), FailoverKind.SWITCHOVER, "SwitchoverRequested",
                d.watch.spec(), primary.orElse(null), d.watch.epoch() + 1, null, d.errant, s.targetNode(), false,
                settings.dryRun());
        submit(clusterId, s.requestId(), () -> group ? runner.groupSwitchover(request) : runner.promote(request),
                outcome -> promoted(clusterId, d, s.requestId(), Recovery.SWITCHOVER, outcome));
    }

    /** A recovery a predecessor began and did not end: the same id, epoch and candidate, steps done again. */
    private void resumeUnfinished(String clusterId, ClusterDesk d) {
        if (d.unfinished.isEmpty() || d.running != null) {
            return;
        }
        FailoverStarted s = d.unfinished.values().iterator().next();
        if (s.epoch() <= d.watch.epoch()) {
            d.unfinished.clear();
            return;
        }
        if (d.guard.tryResume(s.failoverId()).isPresent()) {
            return;
        }
        LOG.warnf("cluster %s: %s %s began by another instance did not end; resuming it (%s -> %s, epoch %d)",
                clusterId, s.kind().name().toLowerCase(), s.failoverId(), s.oldPrimary(), s.candidate(), s.epoch());
        d.running = s.failoverId();
        PromotionRequest request = new PromotionRequest(s.failoverId(), s.kind(), s.problem(), d.watch.spec(),
                s.oldPrimary(), s.epoch(), null, d.errant, s.candidate(), true, false);
        Recovery kind = s.kind() == FailoverKind.FAILOVER ? Recovery.PROMOTE : Recovery.SWITCHOVER;
        submit(clusterId, s.failoverId(), () -> runner.promote(request),
                outcome -> promoted(clusterId, d, s.failoverId(), kind, outcome));
    }

    private void submit(String clusterId, String id, java.util.function.Supplier<RecoveryOutcome> work,
                        java.util.function.Consumer<RecoveryOutcome> then) {
        inFlight.put(clusterId, recoveries.submit(() -> {
            RecoveryOutcome outcome;
            try {
                outcome = work.get();
            } catch (RuntimeException e) {
                LOG.errorf(e, "recovery %s of %s stopped: %s", id, clusterId, e.getMessage());
                outcome = new RecoveryOutcome(id, false, null, String.valueOf(e.getMessage()));
            }
            RecoveryOutcome done = outcome;
            outcomes.add(() -> {
                inFlight.remove(clusterId);
                then.accept(done);
            });
        }));
    }

    private void promoted(String clusterId, ClusterDesk d, String id, Recovery kind, RecoveryOutcome outcome) {
        d.running = null;
        d.unfinished.remove(id);
        d.guard.ended(id, kind, outcome.succeeded());
        if (!outcome.succeeded() && outcome.candidate() != null && kind == Recovery.PROMOTE) {
            String old = d.watch.primaryId().orElse(null);
            if (old != null) {
                d.retry = new ClusterDesk.PromotionRetry(id, old, outcome.candidate(), d.watch.epoch() + 1);
            }
        }
        if (outcome.completed() != null) {
            d.watch.failoverCompleted(outcome.completed());
            resolve(clusterId, d, "FailoverFailed", null, "recovery " + id + " completed");
        } else if (!outcome.succeeded()) {
            raise(clusterId, d, "FailoverFailed", Severity.CRITICAL, null, "recovery " + id + " " + outcome.summary());
        }
    }

    private void small(ClusterDesk d, RecoveryScheduler.Start start, RecoveryOutcome outcome) {
        d.running = null;
        d.scheduler.smallEnded(start, outcome.succeeded(), outcome.refusedAt(), clock.instant());
        if (!outcome.succeeded() && outcome.refusedAt() == null) {
            LOG.warnf("cluster %s: %s of %s did not succeed: %s (next attempt in %d s)", d.watch.spec().clusterId(),
                    start.plan().recovery().label(), start.plan().analysis().nodeId(), outcome.summary(),
                    SMALL_RECOVERY_BACKOFF.toSeconds());
        }
    }

    /**
     * Alerts for what failover sees and does not fix by itself, and for nodes a rejoin left out; each resolved once
     * it is no longer so (FailoverFailed is resolved by the next completed recovery).
     */
    private void alerts(String clusterId, ClusterDesk d, List<Analysis> found) {
        Map<String, Runnable> wanted = new HashMap<>();
        for (Analysis a : found) {
            a.problem().alert().ifPresent(severity -> wanted.put(alertId(clusterId, a.problem().name(), a.nodeId()),
                    () -> raise(clusterId, d, a.problem().name(), severity, a.nodeId(), a.detail())));
        }
        d.scheduler.refused().forEach((node, at) -> wanted.put(alertId(clusterId, "ErrantGtidDetected", node),
                () -> raise(clusterId, d, "ErrantGtidDetected", Severity.WARNING, node, node + " (at " + at
                        + ") holds transactions the primary does not have: it is read-only and left out of"
                        + " replication until they are removed")));
        d.adminFindings.forEach((node, f) -> wanted.put(alertId(clusterId, f.alert(), node),
                () -> raise(clusterId, d, f.alert(), Severity.CRITICAL, node, f.summary())));
        wanted.values().forEach(Runnable::run);
        List.copyOf(d.alerts.keySet()).stream().filter(alertId -> !wanted.containsKey(alertId)
                        && !alertId.startsWith(clusterId + "/FailoverFailed/"))
                .forEach(alertId -> {
                    String[] parts = alertId.split("/", 3);
                    resolve(clusterId, d, parts[1], "-".equals(parts[2]) ? null : parts[2], "no longer found");
                });
    }

    private void raise(String clusterId, ClusterDesk d, String name, Severity severity, String node, String summary) {
        String alertId = alertId(clusterId, name, node);
        if (d.alerts.putIfAbsent(alertId, summary) == null) {
            publisher.publish(new AlertRaised(header(AlertRaised.class, clusterId), alertId, name, severity, node,
                    summary, Map.of("cluster", clusterId, "service", "failover")));
        }
    }

    private void resolve(String clusterId, ClusterDesk d, String name, String node, String summary) {
        String alertId = alertId(clusterId, name, node);
        if (d.alerts.remove(alertId) != null) {
            publisher.publish(new AlertResolved(header(AlertResolved.class, clusterId), alertId, name, node, summary));
        }
    }

    private static String alertId(String clusterId, String name, String node) {
        return clusterId + "/" + name + "/" + (node == null ? "-" : node);
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
                if (partitions.isEmpty()) {
                    assigned = true;
                    return;
                }
                long since = clock.instant().minus(settings.healthReplay()).toEpochMilli();
                Map<TopicPartition, Long> health = new HashMap<>();
                List<TopicPartition> whole = new ArrayList<>();
                List<TopicPartition> commands = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    if (tp.topic().equals(name(Topic.HEALTH))) {
                        health.put(tp, since);
                    } else if (tp.topic().equals(name(Topic.COMMANDS))) {
                        commands.add(tp);
                    } else {
                        whole.add(tp);
                    }
                }
                c.seekToBeginning(whole);
                Map<TopicPartition, OffsetAndTimestamp> at = c.offsetsForTimes(health);
                Map<TopicPartition, Long> ends = c.endOffsets(partitions);
                health.keySet().forEach(tp -> {
                    OffsetAndTimestamp o = at.get(tp);
                    c.seek(tp, o == null ? ends.get(tp) : o.offset());
                });
                Map<TopicPartition, OffsetAndMetadata> committed = c.committed(Set.copyOf(commands));
                // a command nobody acted on yet is acted on; one from before this group existed is not. Where the
                // group has no offset yet, it starts at the end and commits that at once: a command published after
                // it and before the next rebalance (a broker restart, a new member) is then still acted on
                Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                commands.forEach(tp -> {
                    OffsetAndMetadata done = committed.get(tp);
                    c.seek(tp, done == null ? ends.get(tp) : done.offset());
                    if (done == null) {
                        start.put(tp, new OffsetAndMetadata(ends.get(tp)));
                    }
                });
                if (!start.isEmpty()) {
                    c.commitSync(start);
                }
                whole.forEach(tp -> {
                    if (ends.get(tp) > 0) {
                        catchUpTo.put(tp, ends.get(tp));
                    }
                });
                health.keySet().forEach(tp -> catchUpTo.put(tp, ends.get(tp)));
                catchUpTo.values().removeIf(v -> v == 0);
                if (catchUpTo.keySet().stream().anyMatch(FailoverOwner.this::specs)) {
                    partitions.stream().filter(tp -> !specs(tp)).forEach(afterSpecs::add);
                    c.pause(afterSpecs);
                }
                LOG.infof("%s owns partitions %s; reading their history", memberName, partitions.stream()
                        .map(TopicPartition::partition).collect(Collectors.toCollection(java.util.TreeSet::new)));
                assigned = true;
            }
        };
    }

    /** A recovery in flight when its cluster moves away is let finish (bounded) before the next owner starts. */
    private void release(Collection<TopicPartition> partitions, String why) {
        Set<Integer> gone = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        desks.entrySet().removeIf(e -> {
            if (!gone.contains(e.getValue().partition)) {
                return false;
            }
            Future<?> running = inFlight.remove(e.getKey());
            if (running != null) {
                try {
                    running.get(30, TimeUnit.SECONDS);
                } catch (Exception ex) {
                    LOG.warnf("cluster %s released (%s) with recovery %s unfinished: %s", e.getKey(), why,
                            e.getValue().running, ex.toString());
                }
            }
            return true;
        });
        catchUpTo.keySet().removeIf(partitions::contains);
        afterSpecs.removeAll(partitions);
        deferred.removeIf(r -> gone.contains(r.partition()));
        if (!gone.isEmpty()) {
            LOG.infof("%s released partitions %s (%s)", memberName, gone, why);
        }
    }

    private void releaseAll() {
        desks.clear();
        catchUpTo.clear();
        afterSpecs.clear();
        deferred.clear();
        assigned = false;
    }

    private EventHeader header(Class<? extends Event> type, String clusterId) {
        return EventHeader.of(type, clusterId, clock, settings.source());
    }

    private String name(Topic topic) {
        return settings.topics().name(topic);
    }

    private boolean specs(TopicPartition tp) {
        return tp.topic().equals(name(Topic.CLUSTERS));
    }

    @Override
    public void close() {
        closed = true;
        KafkaClients.wakeUpAndJoin(consumer, thread, Duration.ofSeconds(15));
        recoveries.shutdown();
        try {
            recoveries.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
