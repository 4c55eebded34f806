package io.mysqlha.alerts.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.Event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON a webhook receives for one alert event, in the two shapes receivers already understand:
 * <ul>
 *   <li>{@link Format#ALERTMANAGER}: the payload Alertmanager itself sends to webhook receivers (version 4), one
 *   alert per payload. Labels are {@code alertname}, {@code cluster}, {@code node} (when the alert is about one),
 *   {@code severity} and the event's own labels; the fingerprint is derived from the alert id, so a resolution
 *   names the same alert as the raise even when its labels are fewer.</li>
 *   <li>{@link Format#SLACK}: an incoming-webhook message ({@code text}), which Slack, Mattermost and Rocket.Chat
 *   accept.</li>
 * </ul>
 * An {@link AlertResolved} carries no severity or labels; those of the raise are used when the forwarder saw it.
 */
public final class AlertPayloads {
    /** Alertmanager's "not ended" time. */
    private static final String NOT_ENDED = "0001-01-01T00:00:00Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Format { ALERTMANAGER, SLACK }

    private AlertPayloads() {
    }

    /**
     * @param event    an {@link AlertRaised} or {@link AlertResolved}
     * @param raise    the raise of the same alert id when the forwarder saw it (for a resolution), else null
     * @param receiver the receiver name an Alertmanager payload carries
     */
    public static byte[] format(Format format, Event event, AlertRaised raise, String receiver) {
        ObjectNode payload = switch (format) {
            case ALERTMANAGER -> alertmanager(event, raise, receiver);
            case SLACK -> slack(event, raise);
        };
        return payload.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether this event is one the forwarder delivers. */
    public static boolean isAlert(Event event) {
        return event instanceof AlertRaised || event instanceof AlertResolved;
    }

    static ObjectNode alertmanager(Event event, AlertRaised raise, String receiver) {
        Alert a = Alert.of(event, raise);
        ObjectNode labels = JSON.createObjectNode();
        a.labels().forEach(labels::put);
        ObjectNode annotations = JSON.createObjectNode();
        annotations.put("summary", a.summary());
        annotations.put("alert_id", a.alertId());
        annotations.put("source", event.header().source() + "/" + event.header().instance());
        ObjectNode alert = JSON.createObjectNode();
        alert.put("status", a.firing() ? "firing" : "resolved");
        alert.set("labels", labels);
        alert.set("annotations", annotations);
        alert.put("startsAt", a.startsAt().toString());
        alert.put("endsAt", a.firing() ? NOT_ENDED : event.header().time().toString());
        alert.put("generatorURL", "");
        alert.put("fingerprint", fingerprint(a.alertId()));
        ObjectNode payload = JSON.createObjectNode();
        payload.put("version", "4");
        payload.put("groupKey", "{}:{alertname=\"" + a.name() + "\", cluster=\"" + a.cluster() + "\"}");
        payload.put("truncatedAlerts", 0);
        payload.put("status", a.firing() ? "firing" : "resolved");
        payload.put("receiver", receiver);
        ObjectNode groupLabels = JSON.createObjectNode();
        groupLabels.put("alertname", a.name());
        groupLabels.put("cluster", a.cluster());
        payload.set("groupLabels", groupLabels);
        payload.set("commonLabels", labels.deepCopy());
        payload.set("commonAnnotations", annotations.deepCopy());
        payload.put("externalURL", "");
        payload.putArray("alerts").add(alert);
        return payload;
    }

    static ObjectNode slack(Event event, AlertRaised raise) {
        Alert a = Alert.of(event, raise);
        String where = "cluster `" + a.cluster() + "`" + (a.node() == null ? "" : ", node `" + a.node() + "`");
        String text = a.firing()
                ? emoji(a.severity()) + " *" + a.name() + "*" + (a.severity() == null ? "" : " (" + a.severity() + ")")
                        + " on " + where + ": " + a.summary()
                : ":white_check_mark: resolved: *" + a.name() + "* on " + where + ": " + a.summary();
        ObjectNode payload = JSON.createObjectNode();
        payload.put("text", text);
        return payload;
    }

    private static String emoji(String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> ":red_circle:";
            case "warning" -> ":warning:";
            default -> ":information_source:";
        };
    }

    /** 16 hex digits of SHA-256 of the alert id: stable across raise and resolution, and across restarts. */
    static String fingerprint(String alertId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(alertId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** What both formats say about one alert event. */
    private record Alert(boolean firing, String alertId, String name, String cluster, String node, String severity,
                         String summary, Instant startsAt, Map<String, String> labels) {
        static Alert of(Event event, AlertRaised raise) {
            String cluster = event.header().clusterId();
            return switch (event) {
                case AlertRaised r -> new Alert(true, r.alertId(), r.name(), cluster, r.nodeId(), severity(r), r.summary(),
                        r.header().time(), labels(r.name(), cluster, r.nodeId(), severity(r), r.labels()));
                case AlertResolved r -> new Alert(false, r.alertId(), r.name(), cluster, r.nodeId(),
                        raise == null ? null : severity(raise), r.summary(),
                        raise == null ? r.header().time() : raise.header().time(),
                        labels(r.name(), cluster, r.nodeId(), raise == null ? null : severity(raise),
                                raise == null ? Map.of() : raise.labels()));
                default -> throw new IllegalArgumentException(event.header().type() + " is not an alert event");
            };
        }

        private static String severity(AlertRaised r) {
            return r.severity() == null ? null : r.severity().name().toLowerCase(Locale.ROOT);
        }

        private static Map<String, String> labels(String name, String cluster, String node, String severity,
                                                  Map<String, String> extra) {
            Map<String, String> labels = new TreeMap<>(extra);
            labels.put("alertname", name);
            labels.put("cluster", cluster);
            if (node != null) {
                labels.put("node", node);
            }
            if (severity != null) {
                labels.put("severity", severity);
            }
            return labels;
        }
    }
}
