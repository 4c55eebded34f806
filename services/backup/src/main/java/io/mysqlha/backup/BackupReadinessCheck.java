package io.mysqlha.backup;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the group gave this instance its clusters (possibly none) and their specs were read. */
@Readiness
@ApplicationScoped
public class BackupReadinessCheck implements HealthCheck {
    private final BackupService service;

    public BackupReadinessCheck(BackupService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("backup").status(service.ready())
                .withData("owned", String.join(",", service.ownedClusters())).build();
    }
}
