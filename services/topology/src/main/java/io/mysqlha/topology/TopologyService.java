package io.mysqlha.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.ServiceIdentity;
import io.mysqlha.topology.kafka.IgnoredRecords;
import io.mysqlha.topology.kafka.OwnerEvents;
import io.mysqlha.topology.kafka.TopologyOwner;
import io.mysqlha.topology.kafka.TopologyView;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The topology service: owns clusters through its consumer group, derives and publishes their assignments and
 * alerts ({@link TopologyOwner}), and shows the whole fleet over REST ({@link TopologyView}).
 */
@ApplicationScoped
public class TopologyService implements OwnerEvents {
    private static final Logger LOG = Logger.getLogger(TopologyService.class);

    private final MysqlhaConfig config;
    private final KafkaAccess kafka;
    private final TopologyConfig topologyConfig;
    private final ServiceIdentity identity;
    private final MeterRegistry registry;
    private final TopologyMeters meters;
    private final IgnoredRecords ignored;
    private Timer latency;
    private Producer<byte[], byte[]> deadLetters;
    private TopologyOwner owner;
    private TopologyView view;

    public TopologyService(MysqlhaConfig config, KafkaAccess kafka, TopologyConfig topologyConfig,
                           ServiceIdentity identity, MeterRegistry registry) {
        this.kafka = kafka;
        this.config = config;
        this.topologyConfig = topologyConfig;
        this.identity = identity;
        this.registry = registry;
        this.ignored = new IgnoredRecords(registry, Clock.systemUTC());
        this.meters = new TopologyMeters(registry);
    }

    void onStart(@Observes StartupEvent event) {
        latency = Timer.builder("mysqlha.topology.decision")
                .description("From the round that received an input to the commit of the generation it caused")
                .publishPercentileHistogram().register(registry);
        registry.counter("mysqlha.topology.publish.failures");
        deadLetters = new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "topology-dead-letters-" + identity.source().instance())),
                new ByteArraySerializer(), new ByteArraySerializer());
        owner = new TopologyOwner(new TopologyOwner.Settings(kafka, topologyConfig.groupId(), identity.topics(),
                identity.source(), Duration.ofMillis(topologyConfig.healthReplayMs()),
                Duration.ofMillis(topologyConfig.tickMs())), Clock.systemUTC(), ignored, this, deadLetters);
        registry.gauge("mysqlha.topology.clusters.owned", owner, o -> o.ownedClusters().size());
        view = new TopologyView(kafka, identity.topics());
        owner.start();
        view.start();
        LOG.infof("topology %s: group %s, health replay %d ms, tick %d ms", identity.source().instance(),
                topologyConfig.groupId(), topologyConfig.healthReplayMs(), topologyConfig.tickMs());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (owner != null) {
            owner.close();
        }
        if (view != null) {
            view.close();
        }
        if (deadLetters != null) {
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void published(String clusterId, io.mysqlha.events.TopologyChanged topology, long nanos) {
        meters.published(clusterId, topology);
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void alerts(String clusterId, java.util.Collection<io.mysqlha.topology.core.AlertCondition> active) {
        meters.alerts(clusterId, active);
    }

    @Override
    public void publishFailed() {
        registry.counter("mysqlha.topology.publish.failures").increment();
    }

    @Override
    public void released(String clusterId) {
        meters.released(clusterId);
    }

    boolean ready() {
        return owner != null && owner.assigned();
    }

    TopologyOwner owner() {
        return owner;
    }

    TopologyView view() {
        return view;
    }
}
