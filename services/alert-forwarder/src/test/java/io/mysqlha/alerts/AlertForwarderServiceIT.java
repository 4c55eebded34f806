package io.mysqlha.alerts;

import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.Severity;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.Events;
import io.mysqlha.testsupport.quarkus.ServiceContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The packaged wiring: the webhook read from its secret, the alerts topic of the prefix, health and metrics. */
@QuarkusTest
@WithTestResource(AlertForwarderServiceInfra.class)
class AlertForwarderServiceIT extends ServiceContract {

    @Test
    void shouldForwardAnAlertPublishedByAServiceToTheWebhookFromTheSecret() {
        Events.publish(SharedInfra.kafka().bootstrapServers(), AlertForwarderServiceInfra.TOPICS, new AlertRaised(
                new EventHeader(UUID.randomUUID().toString(), "AlertRaised", "svc", Instant.now(), "topology", "t-1",
                        "1.0"), "NoWriter/svc", "NoWriter", Severity.CRITICAL, null, "no writer", Map.of()));
        Waits.until("the alert at the receiver", Duration.ofSeconds(60), () -> AlertForwarderServiceInfra.RECEIVER
                .accepted().stream().anyMatch(p -> p.path("groupLabels").path("cluster").asText().equals("svc")));
        var alert = AlertForwarderServiceInfra.RECEIVER.accepted().stream()
                .filter(p -> p.path("groupLabels").path("cluster").asText().equals("svc")).findFirst().orElseThrow();
        assertEquals("critical", alert.path("commonLabels").path("severity").asText());
        given().get("/q/metrics").then().statusCode(200).body(containsString("mysqlha_alerts_delivered_total"));
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("alert-forwarder"));
    }
}
