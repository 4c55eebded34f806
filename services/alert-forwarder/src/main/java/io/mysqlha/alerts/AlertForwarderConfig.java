package io.mysqlha.alerts;

import io.mysqlha.alerts.core.AlertPayloads;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** The alert forwarder's settings (mysqlha.alerts.*), checked at start-up. */
@ConfigMapping(prefix = "mysqlha.alerts")
public interface AlertForwarderConfig {

    /**
     * The secret holding the webhook's URL (file {@code <secrets dir>/<name>} or {@code MYSQLHA_SECRET_<NAME>}): a
     * Slack webhook's path is its credential, so the URL is never a plain setting.
     */
    @WithDefault("alert-webhook-url")
    @NotBlank
    String webhookSecret();

    /** {@code alertmanager} (Alertmanager's webhook payload, version 4) or {@code slack} (incoming-webhook text). */
    @WithDefault("alertmanager")
    AlertPayloads.Format format();

    /** The receiver name in Alertmanager payloads. */
    @WithDefault("mysqlha")
    @Pattern(regexp = "[a-zA-Z0-9._-]{1,100}", message = "letters, digits, '.', '_' and '-', 1..100")
    String receiver();

    /** The consumer group; its committed offsets are how far delivery got. */
    @WithDefault("mysqlha-alert-forwarder")
    @NotBlank
    String groupId();

    /** Alerts older than this when first read (a new group reading history) are passed over, not posted. */
    @WithDefault("3600")
    @Min(1) @Max(31_536_000)
    int maxAgeSeconds();

    /** Wait after the first failed post; it doubles with every failure in a row. */
    @WithDefault("500")
    @Min(10) @Max(600_000)
    int retryFirstMs();

    /** The longest wait between two attempts. */
    @WithDefault("30000")
    @Min(10) @Max(600_000)
    int retryMaxMs();

    /** Patience for the webhook's connection and its answer. */
    @WithDefault("5000")
    @Min(100) @Max(120_000)
    int requestTimeoutMs();
}
