package io.mysqlha.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when every listener accepts connections. */
@Readiness
@ApplicationScoped
public class GatewayListenersCheck implements HealthCheck {
    private final PassThroughGateway gateway;

    public GatewayListenersCheck(PassThroughGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("gateway-listeners").status(gateway.allBound());
        for (Listener l : gateway.listeners()) {
            response.withData(l.role(), l.bind() + ":" + l.port() + " open=" + l.metrics().open.get());
        }
        return response.build();
    }
}
