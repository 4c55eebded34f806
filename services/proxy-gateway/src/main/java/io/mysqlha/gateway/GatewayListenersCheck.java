package io.mysqlha.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the topology is loaded and every listener the specs declare accepts connections. */
@Readiness
@ApplicationScoped
public class GatewayListenersCheck implements HealthCheck {
    private final Gateway gateway;

    public GatewayListenersCheck(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("gateway-listeners").status(gateway.ready())
                .withData("topology", gateway.follower().loaded() ? "loaded" : "loading");
        for (Listener l : gateway.listeners()) {
            String routes = gateway.table().routes(l.clusterId()).map(r -> "generation " + r.generation())
                    .orElse("no topology");
            response.withData(l.clusterId() + "/" + l.name(), l.key() + " " + l.role() + " open="
                    + l.metrics().open.get() + " " + routes);
        }
        return response.build();
    }
}
