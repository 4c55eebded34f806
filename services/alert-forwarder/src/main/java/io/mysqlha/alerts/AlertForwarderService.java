package io.mysqlha.alerts;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mysqlha.alerts.core.RetryDelay;
import io.mysqlha.alerts.io.Webhook;
import io.mysqlha.alerts.kafka.AlertForwarder;
import io.mysqlha.events.Topic;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.service.ServiceIdentity;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Wires the forwarder: the webhook from its secret, the consumer loop, and its metrics. */
@ApplicationScoped
public class AlertForwarderService {
    private static final Logger LOG = Logger.getLogger(AlertForwarderService.class);

    private final MysqlhaConfig config;
    private final KafkaAccess kafka;
    private final AlertForwarderConfig alerts;
    private final ServiceIdentity identity;
    private final MeterRegistry registry;
    private AlertForwarder forwarder;

    public AlertForwarderService(MysqlhaConfig config, KafkaAccess kafka, AlertForwarderConfig alerts,
                                 ServiceIdentity identity, MeterRegistry registry) {
        this.kafka = kafka;
        this.config = config;
        this.alerts = alerts;
        this.identity = identity;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        Webhook webhook = new Webhook(new SecretResolver(config.secretsDir(), System.getenv())
                .resolve(alerts.webhookSecret()), alerts.webhookSecret(), Duration.ofMillis(alerts.requestTimeoutMs()));
        String topic = identity.topics().name(Topic.ALERTS);
        forwarder = new AlertForwarder(new AlertForwarder.Settings(kafka, topic,
                alerts.groupId(), "alert-forwarder-" + identity.source().instance(),
                Duration.ofSeconds(alerts.maxAgeSeconds()),
                new RetryDelay(Duration.ofMillis(alerts.retryFirstMs()), Duration.ofMillis(alerts.retryMaxMs())),
                alerts.format(), alerts.receiver()), webhook::post, Clock.systemUTC());
        FunctionCounter.builder("mysqlha.alerts.delivered", forwarder, AlertForwarder::delivered)
                .description("Alerts posted to the webhook and acknowledged with a 2xx").register(registry);
        FunctionCounter.builder("mysqlha.alerts.delivery.failures", forwarder, AlertForwarder::failedAttempts)
                .description("Posts that failed and will be retried").register(registry);
        FunctionCounter.builder("mysqlha.alerts.passed.over", forwarder, AlertForwarder::passedOver)
                .description("Events read and not posted: not alerts, or older than max-age-seconds").register(registry);
        FunctionCounter.builder("mysqlha.alerts.rejected", forwarder, AlertForwarder::rejected)
                .description("Records on the alerts topic that are not readable mysqlha events").register(registry);
        Gauge.builder("mysqlha.alerts.undelivered.seconds", forwarder, f -> f.failingSince() == null ? 0
                        : Duration.between(f.failingSince(), Instant.now()).toMillis() / 1000.0)
                .description("How long the alert at the head of the queue has failed to go out (0 while delivering)")
                .register(registry);
        forwarder.start();
        LOG.infof("alert forwarder %s: %s to %s as %s payloads, group %s", identity.source().instance(), topic, webhook,
                alerts.format().name().toLowerCase(java.util.Locale.ROOT), alerts.groupId());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    AlertForwarder forwarder() {
        return forwarder;
    }
}
