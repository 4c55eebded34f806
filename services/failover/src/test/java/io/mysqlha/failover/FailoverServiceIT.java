package io.mysqlha.failover;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.SwitchoverRequested;
import io.mysqlha.events.Topic;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.services.Secrets;
import io.restassured.specification.RequestSpecification;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.quarkus.ServiceContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The service as operators meet it: REST, readiness, metrics, OpenAPI; requests reach the owner through Kafka. */
@QuarkusTest
@WithTestResource(FailoverServiceInfra.class)
class FailoverServiceIT extends ServiceContract {

    private static RequestSpecification operator() {
        return given().header("Authorization", "Bearer " + Secrets.OPERATOR_TOKEN);
    }

    @Test
    void shouldRefuseEveryChangeWithoutAnOperatorsTokenAndKeepReadsOpen() {
        given().post("/clusters/svc/switchover").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("error", containsString("needs a token: send Authorization: Bearer <token>"))
                .body("error", containsString("mysqlha-api-tokens"));
        given().header("Authorization", "Bearer not-a-token-of-ours-at-all").post("/clusters/svc/recoveries/acknowledge")
                .then().statusCode(401).body("error", containsString("not one of the secret mysqlha-api-tokens"));
        given().header("Authorization", "Bearer " + Secrets.VIEWER_TOKEN).post("/clusters/svc/switchover")
                .then().statusCode(403).body("error", containsString("needs an operator's token; it-viewer is a viewer"));
        given().get("/clusters/nope/recoveries").then().statusCode(404); // reads stay open (mysqlha.api.open-reads)
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void shouldTakeSwitchoverRequestsAndShowWhatBecameOfThem() throws Exception {
        // no probe reports on this cluster's (unused) ports: the owner knows no primary and refuses, saying so
        ClusterSpec spec = new ClusterSpec("svc", ClusterKind.SEMI_SYNC, List.of(
                new NodeSpec("node1", "127.0.0.1", 1, null, null, null, null),
                new NodeSpec("node2", "127.0.0.1", 2, null, null, null, null)), null, null, null, null, null, null);
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        io.mysqlha.testsupport.kafka.Specs.apply(bootstrap, FailoverServiceInfra.TOPICS, spec);
        Waits.until("GET /clusters/svc/recoveries", Duration.ofSeconds(60),
                () -> given().get("/clusters/svc/recoveries").statusCode() == 200);
        Waits.until("ready, owning svc", Duration.ofSeconds(60),
                () -> given().get("/q/health/ready").asString().contains("svc"));

        given().get("/clusters/nope/recoveries").then().statusCode(404).body("error", containsString("no cluster 'nope'"));
        operator().post("/clusters/svc/switchover?to=node9").then().statusCode(400)
                .body("error", containsString("has no node 'node9'"));
        String requestId;
        try (EventTap commands = new EventTap(bootstrap, FailoverServiceInfra.TOPICS, "svc", Topic.COMMANDS)) {
            // who asked comes from the token, never from a query parameter
            requestId = operator().post("/clusters/svc/switchover?to=node2&by=alice").then().statusCode(202)
                    .body("follow", equalTo("/clusters/svc/recoveries")).extract().path("requestId");
            SwitchoverRequested asked = commands.await("the request", SwitchoverRequested.class, 0,
                    r -> r.requestId().equals(requestId), Duration.ofSeconds(30));
            assertEquals(Secrets.OPERATOR, asked.requestedBy());
        }
        Waits.until("the refused switchover in /recoveries", Duration.ofSeconds(30), () -> given()
                .get("/clusters/svc/recoveries").asString().contains(requestId));
        given().get("/clusters/svc/recoveries").then().statusCode(200)
                .body("recoveries[0].recoveryId", equalTo(requestId))
                .body("recoveries[0].status", equalTo("failed"))
                .body("recoveries[0].reason", startsWith("at request: no primary is known for svc"));
        given().get("/q/metrics").then().statusCode(200).body(containsString(
                "mysqlha_failover_recoveries_total{cluster=\"svc\",kind=\"switchover\",outcome=\"failed\"} 1.0"));
        operator().post("/clusters/svc/recoveries/acknowledge").then().statusCode(202);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/clusters/{id}/switchover"));
    }
}
