package io.mysqlha.alerts.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.mysqlha.alerts.core.AlertPayloads;
import io.mysqlha.alerts.core.RetryDelay;
import io.mysqlha.alerts.io.Webhook;
import io.mysqlha.domain.Secret;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Severity;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forwarder on a real broker posting to a real HTTP receiver. */
class AlertForwarderIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final EventSource SOURCE = new EventSource("topology", "it");

    private final List<AlertForwarder> forwarders = new ArrayList<>();
    private Receiver receiver;
    private Topics topics;
    private String group;

    @BeforeEach
    void setUp() {
        receiver = new Receiver();
        topics = new Topics("alerts-it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        SharedInfra.kafka().provisionTopics(topics);
        group = "forwarder-" + topics.prefix();
    }

    @AfterEach
    void tearDown() {
        forwarders.forEach(AlertForwarder::close);
        receiver.close();
    }

    private AlertForwarder start(AlertPayloads.Format format) {
        AlertForwarder f = new AlertForwarder(new AlertForwarder.Settings(SharedInfra.kafka().access(),
                topics.name(Topic.ALERTS), group, "forwarder-it", Duration.ofHours(1),
                new RetryDelay(Duration.ofMillis(50), Duration.ofMillis(400)), format, "it"),
                new Webhook(Secret.of(receiver.url()), "alert-webhook-url", Duration.ofSeconds(5))::post,
                Clock.systemUTC());
        forwarders.add(f);
        f.start();
        return f;
    }

    private static AlertRaised raised(String cluster, String id, Instant at) {
        return new AlertRaised(new EventHeader(UUID.randomUUID().toString(), "AlertRaised", cluster, at,
                SOURCE.service(), SOURCE.instance(), "1.0"), id, "ReplicationLagHigh", Severity.WARNING, "node2",
                "node2 is 12 s behind", Map.of("team", "db"));
    }

    private void publish(Event... events) {
        try (var producer = producer()) {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(topics.nameFor(e), e.header().clusterId().getBytes(
                        StandardCharsets.UTF_8), new EventCodec().encode(e))).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfra.kafka().bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The alert ids the receiver accepted, in order, from Alertmanager payloads. */
    private List<String> acceptedIds() {
        return receiver.accepted().stream().map(p -> p.path("alerts").get(0).path("annotations").path("alert_id")
                .asText() + "/" + p.path("status").asText()).toList();
    }

    @Test
    void shouldDeliverEveryAlertOnceInOrderWhenTheReceiverFailsTheFirstAttempts() {
        receiver.refuse(3);
        AlertForwarder f = start(AlertPayloads.Format.ALERTMANAGER);
        Instant now = Instant.now();
        AlertRaised raise = raised("c1", "lag/c1/node2", now);
        publish(raise, raised("c1", "lag/c1/node3", now),
                new AlertResolved(new EventHeader(UUID.randomUUID().toString(), "AlertResolved", "c1", now.plusSeconds(5),
                        SOURCE.service(), SOURCE.instance(), "1.0"), "lag/c1/node2", "ReplicationLagHigh", "node2",
                        "node2 caught up"));
        Waits.until("three alerts accepted", PATIENCE, () -> receiver.accepted().size() >= 3);
        assertEquals(List.of("lag/c1/node2/firing", "lag/c1/node3/firing", "lag/c1/node2/resolved"), acceptedIds());
        assertEquals(3, receiver.refused(), "the first three attempts were refused and retried");
        assertEquals(3, f.failedAttempts());
        JsonNode resolved = receiver.accepted().get(2).path("alerts").get(0);
        assertEquals("warning", resolved.path("labels").path("severity").asText(),
                "the resolution carries the raise's severity: " + resolved);
        assertEquals(receiver.accepted().get(0).path("alerts").get(0).path("fingerprint"), resolved.path("fingerprint"));
        assertEquals(now.toString(), resolved.path("startsAt").asText());
        Waits.until("deliveries counted", PATIENCE, () -> f.delivered() == 3 && f.failingSince() == null);
    }

    @Test
    void shouldResumeAfterARestartAtTheFirstAlertNotDelivered() throws Exception {
        AlertForwarder first = start(AlertPayloads.Format.SLACK);
        Instant now = Instant.now();
        publish(raised("c1", "a1", now), raised("c1", "a2", now));
        Waits.until("two alerts accepted", PATIENCE, () -> receiver.accepted().size() >= 2);
        first.close();
        // while no forwarder runs: one more, and the receiver will refuse the first attempt at it
        publish(raised("c1", "a3", now));
        receiver.refuse(1);
        start(AlertPayloads.Format.SLACK);
        Waits.until("the third alert accepted", PATIENCE, () -> receiver.accepted().size() >= 3);
        publish(raised("c2", "a4", now));
        Waits.until("the fourth alert accepted", PATIENCE, () -> receiver.accepted().size() >= 4);
        List<String> texts = receiver.accepted().stream().map(p -> p.path("text").asText()).toList();
        assertEquals(4, texts.size(), "every alert once, none twice: " + texts);
        assertTrue(texts.stream().allMatch(t -> t.startsWith(":warning: *ReplicationLagHigh* (warning) on cluster `c")),
                texts.toString());
        assertEquals(1, receiver.refused());
    }

    @Test
    void shouldPassOverWhatIsNotAnAlertAndGoOn() throws Exception {
        AlertForwarder f = start(AlertPayloads.Format.ALERTMANAGER);
        try (var producer = producer()) {
            producer.send(new ProducerRecord<>(topics.name(Topic.ALERTS), "c1".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        publish(raised("c1", "old", Instant.now().minus(Duration.ofHours(2))), raised("c1", "new", Instant.now()));
        Waits.until("the new alert accepted", PATIENCE, () -> receiver.accepted().size() >= 1);
        Waits.until("the others passed over", PATIENCE, () -> f.rejected() == 1 && f.passedOver() == 1);
        assertEquals(List.of("new/firing"), acceptedIds());
    }
}
