package io.mysqlha.failover.io;

import io.mysqlha.service.sql.NodeSqlException;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverFailed;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.failover.core.CandidateElector;
import io.mysqlha.failover.core.Election;
import io.mysqlha.failover.core.GroupMember;
import io.mysqlha.failover.core.GroupSwitchover;
import io.mysqlha.failover.core.ReplicaPosition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The I/O side of a promotion (failover or switchover): every step idempotent, timed and published. Runs on a
 * recovery thread; blocks on each answer with a deadline. The order keeps the cluster safe at every point it can
 * stop: the old primary is fenced first; the candidate applies all it received, leaves replication and takes the
 * other replicas before it accepts a write; its epoch is written (and replicated) before read_only goes OFF.
 */
public final class RecoveryRunner {
    private static final Logger LOG = Logger.getLogger(RecoveryRunner.class);

    private final RecoveryContext context;
    private final RecoverySettings settings;
    private final Consumer<Event> publish;
    /** Old primaries whose semi-sync source role is being switched off after their switchover, by cluster/node. */
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> semiSyncOff =
            new java.util.concurrent.ConcurrentHashMap<>();

    public RecoveryRunner(RecoveryContext context) {
        this.context = context;
        this.settings = context.settings();
        this.publish = context.publish();
    }

    public RecoveryOutcome promote(PromotionRequest r) {
        ClusterSpec spec = r.spec();
        Steps steps = new Steps(r.failoverId(), spec.clusterId(), context.clock(), context.source(), publish::accept);
        Map<String, NodeSql> open = new LinkedHashMap<>();
        boolean started = false;
        boolean oldFencedByUs = false;
        boolean candidateWritable = false;
        boolean oldRepointed = false;
        String candidateId = null;
        try {
            ClusterCredentials creds = ClusterCredentials.resolve(spec, context.secrets());
            NodeSpec old = spec.node(r.oldPrimaryId()).orElseThrow(() -> new NodeSqlException("the spec of "
                    + spec.clusterId() + " does not list the primary " + r.oldPrimaryId()));
            boolean switchover = r.kind() == FailoverKind.SWITCHOVER;
            NodeSql oldSql = switchover ? connect(old, creds).orElseThrow(() -> new NodeSqlException(
                    "the primary " + old.id() + " does not answer: a switchover needs it; a failover handles a dead one"))
                    : null;
            if (oldSql != null) {
                open.put(old.id(), oldSql);
            }
            Map<String, ReplicaReading> readings = new LinkedHashMap<>();
            List<ReplicaPosition> positions = new ArrayList<>();
            for (NodeSpec n : spec.nodes()) {
                if (n.id().equals(old.id())) {
                    continue;
                }
                Optional<NodeSql> sql = connect(n, creds);
                if (sql.isEmpty()) {
                    continue;
                }
                open.put(n.id(), sql.get());
                ReplicaReading reading = dialect(sql.get()).read(sql.get());
                readings.put(n.id(), reading);
                boolean fromOld = old.isAt(reading.sourceHost(), reading.sourcePort());
                positions.add(new ReplicaPosition(n, fromOld, reading.received(), reading.applied(),
                        reading.lagSeconds(), r.errant().contains(n.id()) ? "found by the analysis" : null));
            }
            ReplicaPosition chosen;
            String why;
            if (r.resume()) {
                chosen = positions.stream().filter(p -> p.id().equals(r.target())).findFirst()
                        .orElseThrow(() -> new NodeSqlException("resuming " + r.failoverId() + ": its candidate "
                                + r.target() + " does not answer"));
                why = "resumed: " + r.target() + " was elected by the instance that began " + r.failoverId();
            } else {
                Election e = CandidateElector.elect(positions, spec.zonePreference(), r.target());
                if (e instanceof Election.Refused refused) {
                    publish.accept(new FailoverFailed(header(FailoverFailed.class, spec), r.failoverId(), r.kind(),
                            "election", refused.reason() + "; the cluster has no writer until an operator acts"));
                    return new RecoveryOutcome(r.failoverId(), false, null, "election refused: " + refused.reason());
                }
                chosen = ((Election.Elected) e).candidate();
                why = e.reason();
            }
            NodeSpec candidate = chosen.node();
            NodeSql cand = open.get(candidate.id());
            PromotionDialect dialect = dialect(cand);
            // also when resuming: the decision log shows every attempt, and gateways hold writes for it again
            publish.accept(new FailoverStarted(header(FailoverStarted.class, spec), r.failoverId(), r.kind(),
                    r.problem(), old.id(), candidate.id(), r.epoch(), r.dryRun()));
            started = true;
            candidateId = candidate.id();
            LOG.infof("%s %s of %s: %s -> %s (epoch %d)%s: %s", r.kind().name().toLowerCase(), r.failoverId(),
                    spec.clusterId(), old.id(), candidate.id(), r.epoch(), r.dryRun() ? " DRY RUN" : "", why);
            if (r.dryRun()) {
                steps.run("dry-run", () -> "would fence " + old.id() + ", promote " + candidate.id() + " and re-point "
                        + String.join(", ", readings.keySet().stream().filter(id -> !id.equals(candidate.id())).toList())
                        + "; " + why);
                return new RecoveryOutcome(r.failoverId(), true, null, "dry run");
            }
            GtidPosition target = chosen.received();
            if (switchover) {
                steps.run("drain", () -> drain(oldSql, dialect));
                steps.run("fence-old-primary", () -> {
                    dialect.fence(oldSql);
                    return old.id() + " read_only=ON";
                });
                oldFencedByUs = true;
                target = dialect.read(oldSql).own();
            } else {
                steps.run("fence-old-primary", () -> fenceIfAnswers(old, creds));
            }
            GtidPosition applyTo = target;
            steps.run("wait-applied", () -> {
                if (!dialect.waitApplied(cand, applyTo, settings.applyTimeout())) {
                    throw new NodeSqlException(candidate.id() + " did not apply " + applyTo + " within "
                            + settings.applyTimeout().toMillis() + " ms");
                }
                return candidate.id() + " applied " + applyTo;
            });
            String[] promotedAt = new String[1];
            steps.run("stop-replication", () -> {
                dialect.stopReplication(cand);
                ReplicaReading after = dialect.read(cand);
                promotedAt[0] = after.own().union(after.applied()).toString();
                return candidate.id() + " replicates from nobody, at " + promotedAt[0];
            });
            List<String> repointed = new ArrayList<>();
            steps.run("re-point", () -> {
                List<String> failed = new ArrayList<>();
                for (Map.Entry<String, NodeSql> e : open.entrySet()) {
                    if (e.getKey().equals(candidate.id())) {
                        continue;
                    }
                    try {
                        boolean isOld = e.getKey().equals(old.id());
                        dialect.pointAt(e.getValue(), candidate, creds, isOld);
                        repointed.add(e.getKey());
                    } catch (NodeSqlException ex) {
                        failed.add(ex.getMessage());
                    }
                }
                return (repointed.isEmpty() ? "no replica to re-point" : String.join(", ", repointed)
                        + " replicate from " + candidate.id()) + (failed.isEmpty() ? ""
                        : "; not re-pointed (failover rejoins them later): " + String.join("; ", failed));
            });
            oldRepointed = repointed.contains(old.id());
            if (spec.kind() == ClusterKind.SEMI_SYNC) {
                steps.run("enable-semi-sync", () -> {
                    awaitSemiSyncOff(spec, candidate);
                    dialect.semiSyncSource(cand, true);
                    int clients = awaitSemiSyncClients(cand, dialect, repointed.isEmpty() ? 0 : 1);
                    return candidate.id() + " rpl_semi_sync_master_enabled=ON, " + clients + " semi-sync replica(s)";
                });
            }
            steps.run("write-epoch", () -> writeEpoch(cand, candidate, r));
            steps.run("read-write", () -> {
                dialect.unfence(cand);
                return candidate.id() + " read_only=OFF";
            });
            candidateWritable = true;
            long lost = 0;
            String lostGtids = "";
            if (r.oldPrimaryOwn() != null && !r.oldPrimaryOwn().isBlank()) {
                GtidPosition had = GtidPosition.parse(dialect.flavour(), r.oldPrimaryOwn());
                GtidPosition has = GtidPosition.parse(dialect.flavour(), promotedAt[0]);
                lost = had.transactionsNotIn(has);
                lostGtids = lost == 0 ? "" : had + " not in " + has;
            }
            FailoverCompleted done = new FailoverCompleted(header(FailoverCompleted.class, spec), r.failoverId(),
                    r.kind(), old.id(), candidate.id(), r.epoch(), new java.util.LinkedHashMap<>(steps.durations()), lost,
                    lostGtids, promotedAt[0]);
            publish.accept(done);
            if (spec.kind() == ClusterKind.SEMI_SYNC && oldSql != null) {
                turnOffSemiSyncSource(spec, old, creds, steps);
            }
            LOG.infof("%s %s of %s completed: %s is the primary of epoch %d; steps %s", r.kind().name().toLowerCase(),
                    r.failoverId(), spec.clusterId(), candidate.id(), r.epoch(), steps.durations());
            return new RecoveryOutcome(r.failoverId(), true, done, candidate.id() + " promoted");
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String rolledBack = "";
            if (oldFencedByUs && !candidateWritable && !oldRepointed) {
                rolledBack = rollBack(open.get(r.oldPrimaryId()));
            }
            String state = candidateWritable ? "the new primary is writable"
                    : rolledBack.isEmpty() ? "the cluster is left without a writer (read-only) for an operator"
                    : rolledBack;
            LOG.errorf("%s %s of %s failed at %s: %s; %s", r.kind().name().toLowerCase(), r.failoverId(),
                    spec.clusterId(), steps.current(), reason, state);
            publish.accept(new FailoverFailed(header(FailoverFailed.class, spec), r.failoverId(), r.kind(),
                    started ? steps.current() : "prepare", reason + "; " + state));
            return new RecoveryOutcome(r.failoverId(), false, null, "failed at " + steps.current() + ": " + reason,
                    started && !r.dryRun() ? candidateId : null, null);
        } finally {
            open.values().forEach(NodeSql::close);
        }
    }

    /** A failover's fence: an old primary that still answers is made read-only; a dead one is fenced by the epoch. */
    private String fenceIfAnswers(NodeSpec old, ClusterCredentials creds) {
        Optional<NodeSql> sql = connect(old, creds);
        if (sql.isEmpty()) {
            return old.id() + " does not answer; the new epoch fences it when it returns";
        }
        try (NodeSql s = sql.get()) {
            dialect(s).fence(s);
            return old.id() + " answered: read_only=ON";
        } catch (NodeSqlException e) {
            return old.id() + " could not be fenced (" + e.getMessage() + "); the new epoch fences it when it returns";
        }
    }

    /**
     * Lets the transactions open when the switchover began finish (gateways hold new writes from FailoverStarted;
     * a client connected directly keeps starting new ones, which the fence stops).
     */
    private String drain(NodeSql old, PromotionDialect dialect) {
        long began = System.nanoTime();
        long deadline = began + settings.drainTimeout().toNanos();
        long graceEnds = began + settings.holdGrace().toNanos();
        java.util.Set<String> waiting = new java.util.HashSet<>(dialect.openTransactions(old));
        int atStart = waiting.size();
        while ((!waiting.isEmpty() && System.nanoTime() < deadline) || System.nanoTime() < graceEnds) {
            pause(Duration.ofMillis(10));
            waiting.retainAll(dialect.openTransactions(old));
        }
        return waiting.isEmpty() ? atStart + " transaction(s) open at the start finished on " + old.node().id()
                : waiting.size() + " of " + atStart + " transaction(s) still open on " + old.node().id() + " after "
                + settings.drainTimeout().toMillis() + " ms (" + dialect.describeTransactions(old, waiting)
                + "): fencing anyway (they fail at commit)";
    }

    private int awaitSemiSyncClients(NodeSql sql, PromotionDialect dialect, int wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int clients = dialect.semiSyncClients(sql);
        while (clients < wanted && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(10));
            clients = dialect.semiSyncClients(sql);
        }
        return clients;
    }

    /**
     * The epoch goes into the promoted node's own {@code mysqlha.epoch} row, replicated, so every node carries the
     * epoch it follows. A node that already has a newer epoch was promoted by someone else: stop.
     */
    private String writeEpoch(NodeSql sql, NodeSpec node, PromotionRequest r) {
        dialect(sql).allowAdminWrites(sql);
        sql.execute("CREATE DATABASE IF NOT EXISTS mysqlha",
                "CREATE TABLE IF NOT EXISTS mysqlha.epoch (id TINYINT PRIMARY KEY, epoch BIGINT NOT NULL,"
                        + " primary_node VARCHAR(128) NOT NULL, failover_id VARCHAR(64) NOT NULL,"
                        + " written_at TIMESTAMP(6) NOT NULL)");
        long existing = sql.value("SELECT COALESCE(MAX(epoch), 0) FROM mysqlha.epoch").map(Long::parseLong).orElse(0L);
        if (existing > r.epoch()) {
            throw new NodeSqlException(node.id() + " already has epoch " + existing + ", newer than " + r.epoch()
                    + ": another recovery promoted it");
        }
        sql.execute("REPLACE INTO mysqlha.epoch VALUES (1, " + r.epoch() + ", '" + MariaDbPromotion.quote(node.id())
                + "', '" + MariaDbPromotion.quote(r.failoverId()) + "', NOW(6))");
        return "mysqlha.epoch = " + r.epoch() + " on " + node.id() + " (was " + existing + ")";
    }

    private String rollBack(NodeSql old) {
        if (old == null) {
            return "";
        }
        try {
            dialect(old).unfence(old);
            return "rolled back: " + old.node().id() + " is writable again and still the primary";
        } catch (NodeSqlException e) {
            return "roll-back failed (" + e.getMessage() + "): no writer until an operator acts";
        }
    }

    /**
     * A planned switchover of a single-primary Group Replication group: the group itself makes the target its primary
     * ({@code group_replication_set_as_primary}); mysqlha only holds the gateways' writes meanwhile (FailoverStarted),
     * lets the open transactions finish, and confirms the new primary before FailoverCompleted. The primary is the
     * one the group names now (asked, not taken from the request); the target is the request's or the first ONLINE
     * SECONDARY of the spec.
     */
    public RecoveryOutcome groupSwitchover(PromotionRequest r) {
        ClusterSpec spec = r.spec();
        Steps steps = new Steps(r.failoverId(), spec.clusterId(), context.clock(), context.source(), publish::accept);
        Map<String, NodeSql> open = new LinkedHashMap<>();
        boolean started = false;
        String targetId = r.target();
        try {
            ClusterCredentials creds = ClusterCredentials.resolve(spec, context.secrets());
            Map<String, GroupMember> members = new LinkedHashMap<>();
            for (NodeSpec n : spec.nodes()) {
                Optional<NodeSql> sql = connect(n, creds);
                sql.ifPresent(x -> open.put(n.id(), x));
                sql.flatMap(GroupMembers::of).ifPresent(m -> members.put(n.id(), m));
            }
            GroupSwitchover.Choice choice = GroupSwitchover.choose(spec.clusterId(), members, r.target());
            if (choice instanceof GroupSwitchover.Refused(String reason)) {
                throw new NodeSqlException(reason);
            }
            GroupSwitchover.Chosen chosen = (GroupSwitchover.Chosen) choice;
            String old = chosen.oldPrimary();
            String target = chosen.target();
            targetId = target;
            NodeSql oldSql = open.get(old);
            NodeSql targetSql = open.get(target);
            publish.accept(new FailoverStarted(header(FailoverStarted.class, spec), r.failoverId(), r.kind(),
                    r.problem(), old, target, r.epoch(), r.dryRun()));
            started = true;
            if (r.dryRun()) {
                steps.run("dry-run", () -> "would ask the group to make " + target + " its primary instead of " + old);
                return new RecoveryOutcome(r.failoverId(), true, null, "dry run");
            }
            steps.run("drain", () -> drain(oldSql, dialect(oldSql)));
            steps.run("set-as-primary", () -> target + " (" + members.get(target).uuid() + "): "
                    + GroupMembers.makePrimary(oldSql, members.get(target), 1, settings.applyTimeout().plusSeconds(5)));
            steps.run("await-primary", () -> {
                long deadline = System.nanoTime() + settings.applyTimeout().toNanos();
                GroupMember now = GroupMembers.of(targetSql).orElse(null);
                while ((now == null || !now.onlinePrimary()) && System.nanoTime() < deadline) {
                    pause(Duration.ofMillis(20));
                    now = GroupMembers.of(targetSql).orElse(null);
                }
                if (now == null || !now.onlinePrimary()) {
                    throw new NodeSqlException(target + " is not the group's ONLINE PRIMARY "
                            + settings.applyTimeout().toMillis() + " ms after the request: " + now);
                }
                return target + " is the group's primary";
            });
            String at = targetSql.value("SELECT REPLACE(@@GLOBAL.gtid_executed, '\\n', '')").orElse("");
            FailoverCompleted done = new FailoverCompleted(header(FailoverCompleted.class, spec), r.failoverId(),
                    r.kind(), old, target, r.epoch(), new LinkedHashMap<>(steps.durations()), 0, "", at);
            publish.accept(done);
            LOG.infof("switchover %s of group %s completed: %s is the group's primary; steps %s", r.failoverId(),
                    spec.clusterId(), target, steps.durations());
            return new RecoveryOutcome(r.failoverId(), true, done, target + " made primary by the group");
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String step = started ? steps.current() : "request";
            LOG.errorf("switchover %s of group %s failed at %s: %s", r.failoverId(), spec.clusterId(), step, reason);
            publish.accept(new FailoverFailed(header(FailoverFailed.class, spec), r.failoverId(), r.kind(), step,
                    reason + (started ? "; the group keeps the primary it has (writes go where the topology says)"
                            : "")));
            return new RecoveryOutcome(r.failoverId(), false, null, reason, targetId, step);
        } finally {
            open.values().forEach(NodeSql::close);
        }
    }

    /**
     * Switches the old primary's semi-sync source role off after a switchover, in the background: it is fenced and a
     * replica by then, and MySQL's {@code SET GLOBAL rpl_semi_sync_source_enabled=OFF} waits for its ack receiver's
     * poll (up to a second), which must be neither in the clients' pause nor keep the recovery in flight. A later
     * promotion of that node waits for it first ({@link #awaitSemiSyncOff}).
     */
    private void turnOffSemiSyncSource(ClusterSpec spec, NodeSpec old, ClusterCredentials creds, Steps steps) {
        semiSyncOff.put(spec.clusterId() + "/" + old.id(), java.util.concurrent.CompletableFuture.runAsync(() ->
                steps.run("old-primary-semi-sync-off", () -> {
                    try (NodeSql sql = context.connect(old, creds)) {
                        dialect(sql).semiSyncSource(sql, false);
                        return old.id() + " rpl_semi_sync_master_enabled=OFF";
                    } catch (RuntimeException e) {
                        return old.id() + " keeps rpl_semi_sync_master_enabled (" + e.getMessage() + "); it is"
                                + " read-only and a replica, so nothing waits on it";
                    }
                }), task -> Thread.ofVirtual().name("semi-sync-off-" + old.id()).start(task)));
    }

    /** Waits (bounded) for a switchover's clean-up of {@code node} before it is promoted again. */
    private void awaitSemiSyncOff(ClusterSpec spec, NodeSpec node) {
        var pending = semiSyncOff.remove(spec.clusterId() + "/" + node.id());
        if (pending != null) {
            try {
                pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warnf("the semi-sync clean-up of %s did not finish (%s); enabling it as its new role needs",
                        node.id(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Optional<NodeSql> connect(NodeSpec node, ClusterCredentials creds) {
        try {
            return Optional.of(context.connect(node, creds));
        } catch (NodeSqlException e) {
            LOG.debugf("%s unreachable: %s", node.id(), e.getMessage());
            return Optional.empty();
        }
    }

    static PromotionDialect dialect(NodeSql sql) {
        return PromotionDialect.of(sql.flavour());
    }

    private EventHeader header(Class<? extends Event> type, ClusterSpec spec) {
        return context.header(type, spec.clusterId());
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeSqlException("interrupted");
        }
    }
}
