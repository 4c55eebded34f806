package io.mysqlha.testsupport.quarkus;

import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * What every service promises operators: liveness and readiness under /q/health (readiness includes Kafka),
 * Prometheus metrics under /q/metrics. Each service's *ServiceIT extends this with @QuarkusTest and a real broker.
 */
public abstract class ServiceContract {

    @Test
    void shouldBeLive() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void shouldBeReadyWithKafkaReachable() {
        // a service may first join its consumer group or finish a first cycle before it says it is ready
        io.mysqlha.testsupport.Waits.until("/q/health/ready UP", java.time.Duration.ofSeconds(60),
                () -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("kafka"));
    }

    @Test
    void shouldExposePrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }
}
