package io.mysqlha.topology;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the group gave this instance its partitions and their clusters were restored. */
@Readiness
@ApplicationScoped
public class TopologyReadinessCheck implements HealthCheck {
    private final TopologyService service;

    public TopologyReadinessCheck(TopologyService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("topology").status(service.ready());
        if (service.owner() != null) {
            response.withData("owned", String.join(",", new java.util.TreeSet<>(service.owner().ownedClusters())));
        }
        return response.build();
    }
}
