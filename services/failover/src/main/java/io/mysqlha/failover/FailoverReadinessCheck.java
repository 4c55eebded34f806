package io.mysqlha.failover;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the group gave this instance its partitions and their history was read. */
@Readiness
@ApplicationScoped
public class FailoverReadinessCheck implements HealthCheck {
    private final FailoverService service;

    public FailoverReadinessCheck(FailoverService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("failover").status(service.ready());
        if (service.owner() != null) {
            response.withData("owned", String.join(",", new java.util.TreeSet<>(service.owner().ownedClusters())));
        }
        return response.build();
    }
}
