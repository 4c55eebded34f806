package io.mysqlha.backup;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.core.Retention;
import io.mysqlha.backup.core.SourceChooser;
import io.mysqlha.backup.io.BackupFlavour;
import io.mysqlha.backup.io.Compression;
import io.mysqlha.backup.io.DumpRunner;
import io.mysqlha.backup.io.Restorer;
import io.mysqlha.backup.io.Verifier;
import io.mysqlha.backup.kafka.BackupEvents;
import io.mysqlha.backup.repository.BackupRepository;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.service.sql.NodeTlsSettings;
import io.mysqlha.service.sql.NodeSqlException;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a dump job and a restore job do, step by step. A dump: choose the source from the topology, hold a replica
 * source still (its SQL thread stopped, so the dump and the table checksums describe one GTID position), dump,
 * checksum, let it go again, announce, verify in a scratch server, apply retention. Any failure is a BackupFailed
 * with its cause and a FAILED manifest; nothing older is touched.
 */
final class BackupJobs {
    private static final Logger LOG = Logger.getLogger(BackupJobs.class);
    private static final Duration SQL_TIMEOUT = Duration.ofSeconds(30);

    private final BackupRepository repository;
    private final BackupConfig config;
    private final BackupEvents events;
    private final Vertx vertx;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Restorer restorer;
    private final Verifier verifier;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Holds holds;
    private final BackupFlavour.Choice flavours;

    BackupJobs(BackupRepository repository, BackupConfig config, BackupEvents events, Vertx vertx, Clock clock,
               MeterRegistry registry) {
        this.repository = repository;
        this.config = config;
        this.events = events;
        this.vertx = vertx;
        this.clock = clock;
        this.registry = registry;
        this.flavours = config.flavours();
        this.restorer = new Restorer(repository, flavours, config.scratch(), config.dumpTimeout(), clock);
        this.holds = new Holds(config.spool());
        this.verifier = new Verifier(restorer, config.scratch(), flavours, clock);
    }

    Restorer restorer() {
        return restorer;
    }

    /**
     * Lets go of replicas a dump held still when this service (or its predecessor on this volume) died mid-dump:
     * their SQL threads were stopped and nobody started them again. Called when a cluster is taken.
     */
    void releaseLeftoverHolds(ClusterSpec spec, DbCredentials admin, NodeTlsSettings tls) {
        for (String nodeId : holds.held(spec.clusterId())) {
            NodeSpec node = spec.node(nodeId).orElse(null);
            if (node == null) {
                holds.release(spec.clusterId(), nodeId);
                continue;
            }
            try (NodeSql sql = NodeSql.connect(vertx, node, admin, tls, SQL_TIMEOUT, SQL_TIMEOUT)) {
                sql.execute(flavours.of(sql.flavour()).startApplier());
                holds.release(spec.clusterId(), nodeId);
                LOG.warnf("%s of %s was held still by a dump that never finished (the service stopped mid-dump):"
                        + " its SQL thread is started again", nodeId, spec.clusterId());
            } catch (NodeSqlException e) {
                LOG.errorf("%s of %s was held still by a dump that never finished and cannot be let go (%s): run"
                        + " START REPLICA SQL_THREAD on it", nodeId, spec.clusterId(), e.getMessage());
            }
        }
    }

    void dump(Job job, ClusterSpec spec, TopologyChanged topology, DbCredentials admin, NodeTlsSettings tls) {
        String cluster = spec.clusterId();
        job.running(clock.instant());
        SourceChooser.Choice choice = SourceChooser.choose(topology, Map.of(), 0, spec.backup().allowWriterSource());
        if (choice instanceof SourceChooser.Refused(String reason)) {
            fail(job, null, "no source for a dump of " + cluster + ": " + reason);
            return;
        }
        SourceChooser.Source source = (SourceChooser.Source) choice;
        NodeSpec node = spec.node(source.node().nodeId()).orElse(new NodeSpec(source.node().nodeId(),
                source.node().host(), source.node().port(), null, null, null, null));
        Manifest m;
        // a replica is held still (its SQL thread stopped) so the checksums match the dump; a Group Replication member's
        // or a Galera node's applier is not to be stopped (the group would throttle its primary for the whole dump):
        // its dump is consistent by its own snapshot, and verified by a restore without checksums
        boolean holdStill = !source.writer() && spec.kind().usesPrimaryReplicaReplication();
        try (NodeSql sql = NodeSql.connect(vertx, node, admin, tls, SQL_TIMEOUT, SQL_TIMEOUT)) {
            BackupFlavour flavour = flavours.of(sql.flavour());
            DumpRunner runner = new DumpRunner(repository, flavour, clock, config.dumpTimeout());
            events.started(cluster, job.backupId(), node.id(), runner.toolVersion());
            job.progress("dumping " + node.id() + (source.writer() ? " (the writer, as the policy allows)" : ""));
            String version = sql.value("SELECT VERSION()").orElse("unknown");
            if (holdStill) {
                holds.hold(cluster, node.id());
                sql.execute(flavour.stopApplier());
            }
            try {
                Instant start = clock.instant();
                m = runner.dump(new DumpRunner.Request(cluster, job.backupId(), node.id(), node.host(), node.port(),
                        admin, tls, config.spool().resolve("tls").resolve(cluster), version,
                        Compression.of(spec.backup().compression())), bytes -> {
                    job.progress("dumping " + node.id() + ": " + (bytes >> 20) + " MiB written, "
                            + Duration.between(start, clock.instant()).toSeconds() + " s");
                    LOG.infof("dump %s of %s from %s: %d MiB written", job.backupId(), cluster, node.id(), bytes >> 20);
                });
                if (holdStill) {
                    m = m.withTableChecksums(Verifier.checksums(sql, config.dumpTimeout()));
                    repository.write(m);
                }
            } finally {
                if (holdStill) {
                    sql.execute(flavours.of(sql.flavour()).startApplier());
                    holds.release(cluster, node.id());
                }
            }
        } catch (DumpRunner.DumpFailed e) {
            fail(job, node.id(), e.getMessage());
            return;
        } catch (NodeSqlException | IOException e) {
            fail(job, node.id(), "dump of " + cluster + " from " + node.id() + " failed: " + e.getMessage());
            return;
        }
        events.completed(m);
        registry.counter("mysqlha.backup.dumps", "cluster", cluster, "outcome", "completed").increment();
        lastSuccess.computeIfAbsent(cluster, c -> {
            AtomicLong at = new AtomicLong();
            Gauge.builder("mysqlha.backup.last.success.seconds", at, AtomicLong::get)
                    .description("When the cluster's newest completed dump ended (epoch seconds)")
                    .tag("cluster", c).strongReference(true).register(registry);
            return at;
        }).set(m.endedAt().getEpochSecond());
        LOG.infof("dump %s of %s from %s completed: %d bytes %s at GTID %s in %d ms", m.backupId(), cluster, node.id(),
                m.bytes(), m.compression(), m.gtidPosition(), Duration.between(m.startedAt(), m.endedAt()).toMillis());
        String result = "completed: " + m.bytes() + " bytes at GTID " + m.gtidPosition();
        if (config.verifyAfterDump()) {
            job.progress("verifying in a scratch server");
            try {
                Verifier.Verdict v = verifier.verify(m);
                events.verified(cluster, m.backupId(), v);
                registry.counter("mysqlha.backup.verifications", "cluster", cluster, "passed",
                        Boolean.toString(v.passed())).increment();
                result += "; verification " + (v.passed() ? "passed: " : "FAILED: ") + v.detail();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        retain(spec);
        job.completed(clock.instant(), result);
    }

    private void fail(Job job, String node, String reason) {
        String cluster = job.clusterId();
        LOG.errorf("dump %s of %s failed: %s", job.backupId(), cluster, reason);
        events.failed(cluster, job.backupId(), node, reason);
        registry.counter("mysqlha.backup.dumps", "cluster", cluster, "outcome", "failed").increment();
        try {
            repository.write(new Manifest(job.backupId(), cluster, node, null, null, null, null,
                    job.view().startedAt(), clock.instant(), null, 0, null, null, null, Manifest.Status.FAILED, reason,
                    null, null));
        } catch (IOException | RuntimeException e) {
            LOG.errorf("the failure of dump %s could not be recorded in the repository: %s", job.backupId(),
                    e.getMessage());
        }
        job.failed(clock.instant(), reason);
    }

    private void retain(ClusterSpec spec) {
        try {
            Retention.Removal r = Retention.plan(repository.manifests(spec.clusterId()),
                    repository.segments(spec.clusterId()), spec.backup().retain());
            for (Manifest m : r.manifests()) {
                repository.delete(m);
            }
            for (var s : r.segments()) {
                repository.delete(s);
            }
            if (!r.isEmpty()) {
                LOG.infof("retention of %s (keep %d dumps): removed %d backups and %d binlog segments no kept dump"
                        + " needs", spec.clusterId(), spec.backup().retain(), r.manifests().size(), r.segments().size());
            }
        } catch (IOException e) {
            LOG.errorf("retention of %s could not run: %s", spec.clusterId(), e.getMessage());
        }
    }

    void restore(Job job, RestorePlanner.Plan plan, Restorer.Target target) {
        job.running(clock.instant());
        try {
            Restorer.Result r = restorer.restore(plan, target, phase -> {
                job.progress(phase);
                LOG.infof("restore %s of %s: %s", job.jobId(), job.clusterId(), phase);
            });
            String result = "restored " + target.description() + " from dump " + r.backupId() + " and "
                    + r.transactions() + " archived transactions (" + r.segments() + " segments); final GTID position "
                    + r.lastGtid() + "; " + r.millis() + " ms";
            LOG.infof("restore %s of %s: %s", job.jobId(), job.clusterId(), result);
            job.completed(clock.instant(), result);
        } catch (Restorer.RestoreFailed e) {
            LOG.errorf("restore %s of %s failed: %s", job.jobId(), job.clusterId(), e.getMessage());
            job.failed(clock.instant(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.failed(clock.instant(), "interrupted: the service is stopping");
        }
    }
}
