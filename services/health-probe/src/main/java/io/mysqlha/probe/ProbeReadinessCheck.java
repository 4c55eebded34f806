package io.mysqlha.probe;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when every owned cluster finished its first probe cycle: before that, nothing trustworthy was said. */
@Readiness
@ApplicationScoped
public class ProbeReadinessCheck implements HealthCheck {
    private final ProbeService service;

    public ProbeReadinessCheck(ProbeService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("probe").status(service.ready());
        service.clusters().forEach((cluster, done) -> response.withData(cluster, done ? "probed" : "first cycle pending"));
        return response.build();
    }
}
