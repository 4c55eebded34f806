package io.mysqlha.probe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.probe.io.ClusterProber;
import io.mysqlha.probe.io.ProbeSettings;
import io.mysqlha.service.kafka.ClusterOwnership;
import io.mysqlha.probe.kafka.HealthPublisher;
import io.mysqlha.service.kafka.OwnershipListener;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.service.sql.NodeTlsSettings;
import io.mysqlha.service.ServiceIdentity;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The health-probe service: owns clusters through the consumer group, probes every node of each owned cluster,
 * publishes each observation to the health topic, and keeps per-node latency and failure figures.
 */
@ApplicationScoped
public class ProbeService implements OwnershipListener {
    private static final Logger LOG = Logger.getLogger(ProbeService.class);

    private final Vertx vertx;
    private final MysqlhaConfig config;
    private final KafkaAccess kafka;
    private final ProbeConfig probeConfig;
    private final ServiceIdentity identity;
    private final MeterRegistry registry;
    private final Map<String, ClusterProber> probers = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final NodeMeters nodeMeters;
    private final java.util.List<io.micrometer.core.instrument.Meter> serviceMeters = new java.util.ArrayList<>();
    private Producer<byte[], byte[]> producer;
    private HealthPublisher publisher;
    private ClusterOwnership ownership;

    public ProbeService(Vertx vertx, MysqlhaConfig config, KafkaAccess kafka, ProbeConfig probeConfig,
                        ServiceIdentity identity, MeterRegistry registry) {
        this.kafka = kafka;
        this.vertx = vertx;
        this.config = config;
        this.probeConfig = probeConfig;
        this.identity = identity;
        this.registry = registry;
        this.nodeMeters = new NodeMeters(registry);
    }

    void onStart(@Observes StartupEvent event) {
        producer = HealthPublisher.producer(kafka, "health-probe-" + identity.source().instance());
        publisher = new HealthPublisher(producer, identity.topics());
        // held strongly and removed at stop: a registry that outlives the application (tests restart Quarkus in
        // one JVM) would otherwise keep a meter whose weakly held state was collected, and drop the new one
        serviceMeters.add(io.micrometer.core.instrument.Gauge.builder("mysqlha.probe.clusters.owned", probers, Map::size)
                .strongReference(true).register(registry));
        serviceMeters.add(io.micrometer.core.instrument.FunctionCounter.builder("mysqlha.probe.observations.dropped",
                publisher, HealthPublisher::dropped).register(registry));
        ownership = new ClusterOwnership(kafka, probeConfig.groupId(), identity.source().instance(),
                identity.topics(), producer, this);
        Thread.ofPlatform().name("probe-start").daemon().start(() -> {
            try {
                if (!publisher.warmUp(Duration.ofSeconds(30))) {
                    LOG.warnf("no metadata for the health topic from %s after 30 s; probing anyway, observations"
                            + " are dropped until Kafka answers", kafka);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ownership.start();
        });
        LOG.infof("health-probe %s: group %s, secrets from %s", identity.source().instance(), probeConfig.groupId(),
                config.secretsDir());
    }

    void onStop(@Observes ShutdownEvent event) {
        serviceMeters.forEach(registry::remove);
        if (ownership != null) {
            ownership.close();
        }
        probers.values().forEach(ClusterProber::stop);
        if (publisher != null) {
            publisher.close();
        }
    }

    @Override
    public void own(ClusterSpec spec, long specVersion) {
        ClusterProber old = probers.remove(spec.clusterId());
        if (old != null) {
            old.stop();
            forgetMeters(spec.clusterId()); // nodes may have left the spec
        }
        DbCredentials credentials = null;
        NodeTlsSettings tls = null;
        String problem = null;
        String secretName = spec.credentials().monitor();
        try {
            SecretResolver secrets = new SecretResolver(config.secretsDir(), System.getenv());
            DbCredentials monitor = DbCredentials.parse(secretName, secrets.resolve(secretName));
            tls = NodeTlsSettings.of(spec, secrets); // the CA's secret, when the nodes' certificates are checked
            credentials = monitor;
        } catch (RuntimeException e) {
            problem = "cannot log in to the nodes of cluster " + spec.clusterId() + ": " + e.getMessage();
            LOG.error(problem);
        }
        ClusterProber prober = new ClusterProber(vertx, spec, ProbeSettings.of(spec.probe()), credentials, tls, problem,
                Clock.systemUTC(), identity.source(), this::observed);
        probers.put(spec.clusterId(), prober);
        prober.start();
        LOG.infof("probing cluster %s (spec version %d): %d nodes every %d ms, timeout %d ms, heartbeat %s",
                spec.clusterId(), specVersion, spec.nodes().size(), spec.probe().intervalMs(), spec.probe().timeoutMs(),
                spec.probe().heartbeat() ? "on" : "off");
    }

    @Override
    public void release(String clusterId) {
        ClusterProber prober = probers.remove(clusterId);
        if (prober != null) {
            prober.stop();
            forgetMeters(clusterId);
            LOG.infof("stopped probing cluster %s", clusterId);
        }
    }

    /**
     * A cluster this instance no longer probes must not keep exporting frozen figures (its new owner exports the
     * live ones), nor keep its histograms in memory.
     */
    private void forgetMeters(String clusterId) {
        nodeMeters.forget(clusterId);
        String prefix = clusterId + "/";
        for (Map<String, ? extends io.micrometer.core.instrument.Meter> meters : List.of(latency, failures)) {
            meters.entrySet().removeIf(e -> {
                if (!e.getKey().startsWith(prefix)) {
                    return false;
                }
                registry.remove(e.getValue());
                return true;
            });
        }
    }

    private void observed(NodeHealthObserved o) {
        if (!probers.containsKey(o.clusterId())) {
            // a cycle that was in flight when the cluster was released: its figures would outlive the release
            // (re-registered after forgetMeters), and the cluster is another instance's, or gone
            return;
        }
        String key = o.clusterId() + "/" + o.nodeId();
        latency.computeIfAbsent(key, k -> Timer.builder("mysqlha.probe.duration")
                .description("Probe cycle time per node (connect, reads, heartbeat)")
                .tag("cluster", o.clusterId()).tag("node", o.nodeId())
                .publishPercentileHistogram().register(registry)).record(o.rttMicros(), TimeUnit.MICROSECONDS);
        if (!o.reachable()) {
            failures.computeIfAbsent(key + "/" + o.failure().reason(), k -> Counter.builder("mysqlha.probe.failures")
                    .description("Probes that could not read the node, by reason").tag("cluster", o.clusterId())
                    .tag("node", o.nodeId()).tag("reason", o.failure().reason().name().toLowerCase())
                    .register(registry)).increment();
        }
        nodeMeters.observed(o);
        publisher.publish(o);
    }

    /** Ready when the group gave this instance its clusters and each was probed once in full. */
    boolean ready() {
        return ownership != null && ownership.assigned() && probers.values().stream().allMatch(ClusterProber::firstCycleDone);
    }

    Map<String, Boolean> clusters() {
        Map<String, Boolean> state = new java.util.TreeMap<>();
        probers.forEach((id, p) -> state.put(id, p.firstCycleDone()));
        return state;
    }
}
