package io.mysqlha.service;

import io.mysqlha.events.kafka.KafkaAccess;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ready only while Kafka answers: every service's work arrives through it. (The gateway overrides this: it keeps
 * routing on its last topology when Kafka is gone, and reports that in its own check.)
 */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {
    private static final int TIMEOUT_MS = 2_000;
    private final Admin admin;
    private final String bootstrap;
    private final boolean required;

    public KafkaReadinessCheck(MysqlhaConfig config, KafkaAccess kafka) {
        this.bootstrap = kafka.toString();
        this.required = config.kafka().requiredForReadiness();
        this.admin = Admin.create(kafka.config(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000)));
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kafka").withData("bootstrap", bootstrap);
        try {
            String clusterId = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).clusterId()
                    .get(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS);
            return response.up().withData("clusterId", clusterId).build();
        } catch (Exception e) {
            return response.status(!required).withData("reachable", false)
                    .withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}
