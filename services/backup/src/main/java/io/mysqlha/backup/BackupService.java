package io.mysqlha.backup;

import io.micrometer.core.instrument.MeterRegistry;
import io.mysqlha.backup.binlog.BinlogArchiver;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.io.Restorer;
import io.mysqlha.backup.kafka.BackupEvents;
import io.mysqlha.backup.kafka.TopologyFollower;
import io.mysqlha.backup.io.BackupKey;
import io.mysqlha.backup.repository.BackupRepository;
import io.mysqlha.backup.repository.EncryptedRepository;
import io.mysqlha.backup.repository.LocalRepository;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.CronSchedule;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.service.sql.NodeTlsSettings;
import io.mysqlha.service.ServiceIdentity;
import io.mysqlha.service.kafka.ClusterOwnership;
import io.mysqlha.service.kafka.EventPublisher;
import io.mysqlha.service.kafka.OwnershipListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The backup service: owns clusters through its consumer group (one owner per cluster), follows their topology,
 * archives each owned cluster's binlogs from its writer, runs dumps on the spec's cron schedule and on request, and
 * restores on request. Dumps run at most {@code max-parallel-dumps} at a time and one per cluster.
 */
@ApplicationScoped
public class BackupService implements OwnershipListener {
    private static final Logger LOG = Logger.getLogger(BackupService.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(java.time.ZoneOffset.UTC);
    private static final int KEEP_JOBS = 200;

    private final Vertx vertx;
    private final MysqlhaConfig config;
    private final KafkaAccess kafka;
    private final BackupConfig backup;
    private final ServiceIdentity identity;
    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private LocalRepository local;
    /** The local repository, behind encryption at rest for the clusters that have a key. */
    private BackupRepository repository;
    private final Map<String, BackupKey> keys = new java.util.concurrent.ConcurrentHashMap<>();
    private Producer<byte[], byte[]> producer;
    private EventPublisher publisher;
    private BackupEvents events;
    private BackupJobs work;
    private ClusterOwnership ownership;
    private TopologyFollower topology;
    private ExecutorService dumps;
    private ExecutorService restores;
    private ScheduledExecutorService ticker;

    /** What this instance runs for a cluster it owns. */
    private static final class Owned {
        final ClusterSpec spec;
        final DbCredentials admin;
        final NodeTlsSettings tls;
        final String problem;
        final BinlogArchiver archiver;
        final CronSchedule schedule;
        volatile Instant nextRun;
        volatile Job current;

        Owned(ClusterSpec spec, DbCredentials admin, NodeTlsSettings tls, String problem, BinlogArchiver archiver,
              CronSchedule schedule, Instant nextRun) {
            this.spec = spec;
            this.admin = admin;
            this.tls = tls;
            this.problem = problem;
            this.archiver = archiver;
            this.schedule = schedule;
            this.nextRun = nextRun;
        }
    }

    /** A cluster as GET /clusters shows it. */
    public record ClusterView(String clusterId, String writer, String problem, String schedule, Instant nextRun,
                              Job.View current, BinlogArchiver.Status binlogs) {
    }

    public BackupService(Vertx vertx, MysqlhaConfig config, KafkaAccess kafka, BackupConfig backup,
                         ServiceIdentity identity, MeterRegistry registry) {
        this.kafka = kafka;
        this.vertx = vertx;
        this.config = config;
        this.backup = backup;
        this.identity = identity;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        String instance = identity.source().instance();
        local = new LocalRepository(backup.repository());
        repository = new EncryptedRepository(local, keys::get);
        producer = new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "backup-dead-letters-" + instance)), new ByteArraySerializer(),
                new ByteArraySerializer());
        publisher = new EventPublisher(kafka, "backup-" + instance, identity.topics());
        events = new BackupEvents(publisher, identity.source(), clock);
        work = new BackupJobs(repository, backup, events, vertx, clock, registry);
        dumps = Executors.newFixedThreadPool(backup.maxParallelDumps(), Thread.ofPlatform().name("dump-", 0).factory());
        restores = Executors.newCachedThreadPool(Thread.ofPlatform().name("restore-", 0).factory());
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("backup-schedule").factory());
        ticker.scheduleWithFixedDelay(this::tick, 5, 5, TimeUnit.SECONDS);
        topology = new TopologyFollower(kafka, identity.topics(), this::topologyChanged);
        topology.start();
        ownership = new ClusterOwnership(kafka, backup.groupId(), instance, identity.topics(), producer, this);
        ownership.start();
        LOG.infof("backup %s: repository %s, spool %s, %d dump(s) at a time, verify after dump: %s, archive"
                        + " binlogs: %s, group %s", instance, backup.repository().toAbsolutePath(),
                backup.spool().toAbsolutePath(), backup.maxParallelDumps(), backup.verifyAfterDump(),
                backup.archiveBinlogs(), backup.groupId());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (ownership != null) {
            ownership.close();
        }
        if (topology != null) {
            topology.close();
        }
        if (ticker != null) {
            ticker.shutdownNow();
            dumps.shutdownNow();
            restores.shutdownNow();
        }
        owned.values().forEach(o -> {
            if (o.archiver != null) {
                o.archiver.close();
            }
        });
        if (publisher != null) {
            publisher.close();
            producer.close();
        }
    }

    @Override
    public void own(ClusterSpec spec, long specVersion) {
        release(spec.clusterId());
        DbCredentials admin = null;
        NodeTlsSettings tls = null;
        String problem = null;
        try {
            SecretResolver secrets = new SecretResolver(config.secretsDir(), System.getenv());
            DbCredentials account = DbCredentials.parse(spec.credentials().admin(),
                    secrets.resolve(spec.credentials().admin()));
            tls = NodeTlsSettings.of(spec, secrets); // the CA's secret, when the nodes' certificates are checked
            admin = account;
        } catch (RuntimeException e) {
            problem = "cannot log in to the nodes of cluster " + spec.clusterId() + " (dumps, archival and restores"
                    + " need it): " + e.getMessage();
            LOG.error(problem);
        }
        String keySecret = spec.backup().encryptionKey();
        try {
            if (keySecret == null) {
                keys.remove(spec.clusterId());
            } else {
                keys.put(spec.clusterId(), BackupKey.parse(new SecretResolver(config.secretsDir(), System.getenv())
                        .resolve(keySecret).reveal(), keySecret));
            }
        } catch (RuntimeException e) {
            keys.remove(spec.clusterId());
            problem = "the backups of " + spec.clusterId() + " are to be encrypted and cannot be: " + e.getMessage()
                    + "; nothing is dumped or archived in clear meanwhile";
            LOG.error(problem);
        }
        try {
            int removed = local.removePartials(spec.clusterId());
            if (removed > 0) {
                LOG.infof("removed %d partial file(s) of %s that an interrupted dump or archive left", removed,
                        spec.clusterId());
            }
        } catch (IOException | IllegalArgumentException e) {
            problem = "the repository folder of " + spec.clusterId() + " cannot be used: " + e.getMessage();
            LOG.error(problem);
        }
        if (admin != null) {
            DbCredentials credentials = admin;
            NodeTlsSettings nodesTls = tls;
            dumps.submit(() -> work.releaseLeftoverHolds(spec, credentials, nodesTls));
        }
        BinlogArchiver archiver = null;
        if (backup.archiveBinlogs() && admin != null && problem == null) {
            String cluster = spec.clusterId();
            archiver = new BinlogArchiver(cluster, repository, new BinlogArchiver.Settings(backup.flavours(),
                    backup.streamerServerId() + Math.floorMod(cluster.hashCode(), 100_000), backup.spool(),
                    java.time.Duration.ofSeconds(10)), admin, tls, vertx, events.archiverListener(cluster, registry), clock);
            archiver.follow(writerOf(spec, topology.topology(cluster).orElse(null)));
            archiver.start();
        }
        CronSchedule schedule = spec.backup().cron() == null ? null : CronSchedule.parse(spec.backup().cron());
        owned.put(spec.clusterId(), new Owned(spec, admin, tls, problem, archiver, schedule,
                schedule == null ? null : schedule.next(clock.instant(), backup.scheduleZone())));
        LOG.infof("backing up cluster %s (spec version %d): schedule %s, keep %d dumps, %s", spec.clusterId(),
                specVersion, schedule == null ? "none (on request only)" : "'" + schedule + "' " + backup.scheduleZone(),
                spec.backup().retain(), spec.backup().compression());
    }

    @Override
    public void release(String clusterId) {
        Owned o = owned.remove(clusterId);
        if (o != null) {
            if (o.archiver != null) {
                o.archiver.close();
            }
            LOG.infof("no longer backing up cluster %s", clusterId);
        }
    }

    private void topologyChanged(TopologyChanged t) {
        Owned o = owned.get(t.clusterId());
        if (o != null && o.archiver != null) {
            o.archiver.follow(writerOf(o.spec, t));
        }
    }

    /** The node to archive binlogs from: the topology's writer (the first one, where several may write). */
    private static NodeSpec writerOf(ClusterSpec spec, TopologyChanged t) {
        if (t == null || t.writers().isEmpty()) {
            return null;
        }
        var w = t.writers().getFirst();
        return spec.node(w.nodeId()).orElse(new NodeSpec(w.nodeId(), w.host(), w.port(), null, null, null, null));
    }

    private void tick() {
        Instant now = clock.instant();
        owned.forEach((id, o) -> {
            if (o.schedule != null && o.nextRun != null && !now.isBefore(o.nextRun)) {
                o.nextRun = o.schedule.next(now, backup.scheduleZone());
                Result r = requestDump(id, "schedule");
                if (r.job() == null) {
                    LOG.warnf("scheduled dump of %s skipped: %s (next at %s)", id, r.refusal(), o.nextRun);
                }
            }
        });
    }

    /** A job started, or why not (with the HTTP status that says it). */
    public record Result(Job job, int status, String refusal) {
        static Result refused(int status, String why) {
            return new Result(null, status, why);
        }
    }

    private Optional<Owned> owner(String clusterId) {
        return Optional.ofNullable(owned.get(clusterId));
    }

    public String notOwned(String clusterId) {
        return "cluster '" + clusterId + "' is not backed up by this instance (it owns " + ownedClusters()
                + "); with several backup instances, ask the one that owns it (GET /clusters on each)";
    }

    public Result requestDump(String clusterId, String trigger) {
        Owned o = owned.get(clusterId);
        if (o == null) {
            return Result.refused(404, notOwned(clusterId));
        }
        if (o.admin == null || o.problem != null) {
            return Result.refused(409, o.problem);
        }
        synchronized (o) {
            if (o.current != null && !o.current.finished()) {
                return Result.refused(409, "a " + o.current.view().kind() + " of " + clusterId + " is already "
                        + o.current.view().state().name().toLowerCase() + " (job " + o.current.jobId() + ")");
            }
            Instant now = clock.instant();
            String backupId = "b-" + ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 6);
            Job job = new Job("dump-" + backupId, "dump", clusterId, backupId, trigger, now);
            o.current = job;
            remember(job);
            TopologyChanged t = topology.topology(clusterId).orElse(null);
            dumps.submit(() -> run(job, () -> work.dump(job, o.spec, t, o.admin, o.tls)));
            return new Result(job, 202, null);
        }
    }

    public Result requestRestore(String clusterId, RestorePlanner.Point point, Restorer.Target target, String by) {
        Owned o = owned.get(clusterId);
        if (o == null) {
            return Result.refused(404, notOwned(clusterId));
        }
        RestorePlanner.Outcome outcome;
        try {
            List<SegmentIndex> segments = new ArrayList<>(repository.segments(clusterId));
            if (o.archiver != null) {
                segments.addAll(o.archiver.liveSegments()); // the writer's current file: up to the last commit
            }
            outcome = RestorePlanner.plan(repository.manifests(clusterId), segments, point);
        } catch (IOException e) {
            return Result.refused(503, "the archive of " + clusterId + " cannot be read now (" + e.getMessage()
                    + "); if a binlog file was being archived at that moment, ask again");
        }
        if (outcome instanceof RestorePlanner.Refused(String reason)) {
            return Result.refused(409, reason);
        }
        RestorePlanner.Plan plan = (RestorePlanner.Plan) outcome;
        Instant now = clock.instant();
        Job job = new Job("restore-" + ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 6),
                "restore", clusterId, plan.dump().backupId(), "request by " + by, now);
        remember(job);
        restores.submit(() -> run(job, () -> work.restore(job, plan, target)));
        return new Result(job, 202, null);
    }

    private void run(Job job, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s of %s failed unexpectedly: %s", job.jobId(), job.clusterId(), e.getMessage());
            job.failed(clock.instant(), "unexpected: " + e.getMessage());
        }
    }

    private void remember(Job job) {
        synchronized (jobs) {
            jobs.put(job.jobId(), job);
            while (jobs.size() > KEEP_JOBS) {
                jobs.remove(jobs.keySet().iterator().next());
            }
        }
    }

    public Optional<Job> job(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    public List<String> ownedClusters() {
        return owned.keySet().stream().sorted().toList();
    }

    public Optional<ClusterView> cluster(String clusterId) {
        return owner(clusterId).map(o -> new ClusterView(clusterId,
                Optional.ofNullable(writerOf(o.spec, topology.topology(clusterId).orElse(null))).map(NodeSpec::id)
                        .orElse(null), o.problem, o.schedule == null ? null : o.schedule.toString(), o.nextRun,
                o.current == null ? null : o.current.view(), o.archiver == null ? null : o.archiver.status()));
    }

    public Optional<ClusterSpec> spec(String clusterId) {
        return owner(clusterId).map(o -> o.spec);
    }

    public Optional<DbCredentials> admin(String clusterId) {
        return owner(clusterId).map(o -> o.admin);
    }

    BackupRepository repository() {
        return repository;
    }

    MysqlhaConfig config() {
        return config;
    }

    boolean ready() {
        return ownership != null && ownership.assigned();
    }
}
