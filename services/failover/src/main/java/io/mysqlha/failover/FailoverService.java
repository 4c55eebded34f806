package io.mysqlha.failover;

import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.failover.io.AdminAudit;
import io.mysqlha.failover.io.NodeRepair;
import io.mysqlha.failover.io.RecoveryContext;
import io.mysqlha.failover.io.RecoveryRunner;
import io.mysqlha.failover.io.RecoverySettings;
import io.mysqlha.service.kafka.EventPublisher;
import io.mysqlha.failover.kafka.FailoverOwner;
import io.mysqlha.failover.kafka.RecoveryLog;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.service.ServiceIdentity;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;

/**
 * The failover service: owns clusters through its consumer group and recovers them ({@link FailoverOwner}); shows
 * every cluster's recent recoveries and takes operators' requests over REST ({@link RecoveryLog}).
 */
@ApplicationScoped
public class FailoverService {
    private static final Logger LOG = Logger.getLogger(FailoverService.class);

    private final Vertx vertx;
    private final MysqlhaConfig config;
    private final FailoverConfig failover;
    private final ServiceIdentity identity;
    private final io.micrometer.core.instrument.MeterRegistry registry;
    private final KafkaAccess kafka;
    private EventPublisher publisher;
    private FailoverOwner owner;
    private RecoveryLog log;

    public FailoverService(Vertx vertx, MysqlhaConfig config, KafkaAccess kafka, FailoverConfig failover,
                           ServiceIdentity identity, io.micrometer.core.instrument.MeterRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
        this.vertx = vertx;
        this.config = config;
        this.failover = failover;
        this.identity = identity;
    }

    void onStart(@Observes StartupEvent event) {
        publisher = new EventPublisher(kafka, "failover-" + identity.source().instance(), identity.topics());
        publisher.onPublished(this::count);
        SecretResolver secrets = new SecretResolver(config.secretsDir(), System.getenv());
        RecoverySettings settings = new RecoverySettings(Duration.ofMillis(failover.connectTimeoutMs()),
                Duration.ofMillis(failover.statementTimeoutMs()), Duration.ofMillis(failover.applyTimeoutMs()),
                Duration.ofMillis(failover.drainTimeoutMs()), Duration.ofMillis(failover.holdGraceMs()));
        Clock clock = Clock.systemUTC();
        RecoveryContext context = new RecoveryContext(vertx, secrets, settings, clock, identity.source(),
                publisher::publish);
        RecoveryRunner runner = new RecoveryRunner(context);
        NodeRepair repair = new NodeRepair(context);
        owner = new FailoverOwner(new FailoverOwner.Settings(kafka, failover.groupId(), identity.topics(),
                identity.source(), Duration.ofMillis(failover.healthReplayMs()), Duration.ofMillis(failover.tickMs()),
                Duration.ofSeconds(failover.blockWindowSeconds()), Duration.ofSeconds(failover.retryAfterFailureSeconds()),
                failover.rejoin(), failover.dryRun()), clock, runner, repair, new AdminAudit(context), publisher);
        log = new RecoveryLog(kafka, identity.topics());
        owner.start();
        log.start();
        LOG.infof("failover %s: group %s, block window %d s, rejoin %s%s", identity.source().instance(),
                failover.groupId(), failover.blockWindowSeconds(), failover.rejoin(),
                failover.dryRun() ? ", DRY RUN: recoveries are only published" : "");
    }

    /** mysqlha_failover_recoveries_total{cluster,kind,outcome}: every promotion that completed or failed. */
    private void count(io.mysqlha.events.Event e) {
        String kind;
        String outcome;
        switch (e) {
            case io.mysqlha.events.FailoverCompleted c -> {
                kind = c.kind().name();
                outcome = "completed";
            }
            case io.mysqlha.events.FailoverFailed f -> {
                kind = f.kind().name();
                outcome = "failed";
            }
            default -> {
                return;
            }
        }
        registry.counter("mysqlha.failover.recoveries", "cluster", e.header().clusterId(), "kind",
                kind.toLowerCase(java.util.Locale.ROOT), "outcome", outcome).increment();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (owner != null) {
            owner.close();
        }
        if (log != null) {
            log.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    boolean ready() {
        return owner != null && owner.ready();
    }

    FailoverOwner owner() {
        return owner;
    }

    RecoveryLog log() {
        return log;
    }

    ServiceIdentity identity() {
        return identity;
    }

    EventPublisher publisher() {
        return publisher;
    }
}
