package io.mysqlha.alerts.core;

import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.Severity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AlertPayloadsTest {
    private static final Instant RAISED_AT = Instant.parse("2026-12-03T10:00:00Z");
    private static final Instant RESOLVED_AT = Instant.parse("2026-12-03T10:05:00Z");
    private static final AlertRaised RAISE = new AlertRaised(header("AlertRaised", RAISED_AT), "NoWriter/local",
            "NoWriter", Severity.CRITICAL, null, "no node of local takes writes", Map.of("team", "db"));
    private static final AlertResolved RESOLUTION = new AlertResolved(header("AlertResolved", RESOLVED_AT),
            "NoWriter/local", "NoWriter", null, "node2 takes writes");

    private static EventHeader header(String type, Instant at) {
        return new EventHeader("e-1", type, "local", at, "topology", "topology-1", "1.0");
    }

    private static String json(AlertPayloads.Format format, io.mysqlha.events.Event e, AlertRaised raise) {
        return new String(AlertPayloads.format(format, e, raise, "mysqlha"), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteAlertmanagersWebhookPayloadForARaise() {
        assertEquals("{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"NoWriter\\\", cluster=\\\"local\\\"}\","
                        + "\"truncatedAlerts\":0,\"status\":\"firing\",\"receiver\":\"mysqlha\","
                        + "\"groupLabels\":{\"alertname\":\"NoWriter\",\"cluster\":\"local\"},"
                        + "\"commonLabels\":{\"alertname\":\"NoWriter\",\"cluster\":\"local\",\"severity\":\"critical\","
                        + "\"team\":\"db\"},\"commonAnnotations\":{\"summary\":\"no node of local takes writes\","
                        + "\"alert_id\":\"NoWriter/local\",\"source\":\"topology/topology-1\"},\"externalURL\":\"\","
                        + "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"NoWriter\",\"cluster\":"
                        + "\"local\",\"severity\":\"critical\",\"team\":\"db\"},\"annotations\":{\"summary\":"
                        + "\"no node of local takes writes\",\"alert_id\":\"NoWriter/local\",\"source\":"
                        + "\"topology/topology-1\"},\"startsAt\":\"2026-12-03T10:00:00Z\",\"endsAt\":"
                        + "\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\",\"fingerprint\":\""
                        + AlertPayloads.fingerprint("NoWriter/local") + "\"}]}",
                json(AlertPayloads.Format.ALERTMANAGER, RAISE, null));
    }

    @Test
    void shouldResolveTheSameAlertWithTheRaisesLabelsAndStart() {
        var alert = AlertPayloads.alertmanager(RESOLUTION, RAISE, "mysqlha").path("alerts").get(0);
        assertEquals("resolved", alert.path("status").asText());
        assertEquals("{\"alertname\":\"NoWriter\",\"cluster\":\"local\",\"severity\":\"critical\",\"team\":\"db\"}",
                alert.path("labels").toString());
        assertEquals("2026-12-03T10:00:00Z", alert.path("startsAt").asText());
        assertEquals("2026-12-03T10:05:00Z", alert.path("endsAt").asText());
        assertEquals(AlertPayloads.fingerprint("NoWriter/local"), alert.path("fingerprint").asText());
    }

    @Test
    void shouldResolveAnAlertWhoseRaiseItNeverSawWithTheSameFingerprint() {
        var alert = AlertPayloads.alertmanager(RESOLUTION, null, "mysqlha").path("alerts").get(0);
        assertEquals("{\"alertname\":\"NoWriter\",\"cluster\":\"local\"}", alert.path("labels").toString());
        assertEquals(AlertPayloads.fingerprint("NoWriter/local"), alert.path("fingerprint").asText());
        assertEquals(16, alert.path("fingerprint").asText().length());
    }

    @Test
    void shouldWriteSlackText() {
        assertEquals("{\"text\":\":red_circle: *NoWriter* (critical) on cluster `local`: no node of local takes writes\"}",
                json(AlertPayloads.Format.SLACK, RAISE, null));
        assertEquals("{\"text\":\":white_check_mark: resolved: *NoWriter* on cluster `local`: node2 takes writes\"}",
                json(AlertPayloads.Format.SLACK, RESOLUTION, RAISE));
        AlertRaised lag = new AlertRaised(header("AlertRaised", RAISED_AT), "lag", "ReplicationLagHigh",
                Severity.WARNING, "node3", "12 s behind", Map.of());
        assertEquals("{\"text\":\":warning: *ReplicationLagHigh* (warning) on cluster `local`, node `node3`: 12 s behind\"}",
                json(AlertPayloads.Format.SLACK, lag, null));
    }
}
