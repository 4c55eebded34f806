package io.mysqlha.alerts;

import io.mysqlha.alerts.kafka.AlertForwarder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the forwarding loop runs. A failing webhook does not make it unready (nothing routes traffic here);
 * it shows in the data and in {@code mysqlha_alerts_undelivered_seconds}.
 */
@Readiness
@ApplicationScoped
public class AlertForwarderReadinessCheck implements HealthCheck {
    private final AlertForwarderService service;

    public AlertForwarderReadinessCheck(AlertForwarderService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        AlertForwarder f = service.forwarder();
        var response = HealthCheckResponse.named("alert-forwarder");
        if (f == null || !f.running()) {
            return response.down().withData("reason", "the forwarding loop is not running").build();
        }
        response.up().withData("delivered", f.delivered()).withData("failedAttempts", f.failedAttempts());
        if (f.failingSince() != null) {
            response.withData("failingSince", f.failingSince().toString())
                    .withData("lastFailure", String.valueOf(f.lastFailure()));
        }
        return response.build();
    }
}
