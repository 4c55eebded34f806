package io.mysqlha.topology;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.quarkus.ServiceContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/** The service as operators meet it: REST over the published topology, readiness, metrics, OpenAPI. */
@QuarkusTest
@WithTestResource(TopologyServiceInfra.class)
class TopologyServiceIT extends ServiceContract {

    @Test
    void shouldShowTheClusterItDerivesOverRest() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        String id = "rest-" + UUID.randomUUID().toString().substring(0, 8);
        TopologyInfra.apply(TopologyServiceInfra.TOPICS, t.spec(id));

        Waits.until("GET /clusters/" + id + "/topology with a writer", Duration.ofSeconds(60), () -> {
            var answer = given().get("/clusters/" + id + "/topology");
            return answer.statusCode() == 200 && !answer.jsonPath().getList("writers").isEmpty();
        });
        given().get("/clusters/" + id + "/topology").then().statusCode(200)
                .body("header.clusterId", equalTo(id))
                .body("writers.nodeId", equalTo(java.util.List.of(t.primary().name())))
                .body("readers.nodeId", hasItem(t.replicas().getFirst().name()));
        given().get("/clusters").then().statusCode(200)
                .body("find { it.clusterId == '" + id + "' }.writers", equalTo(java.util.List.of(t.primary().name())))
                .body("find { it.clusterId == '" + id + "' }.kind", equalTo("semi_sync"));
        Waits.until("every node's latest observation", Duration.ofSeconds(30), () -> given()
                .get("/clusters/" + id + "/nodes").jsonPath().getList("findAll { it.reachable == true }").size() == 3);
        given().get("/clusters/" + id + "/nodes").then().statusCode(200).body("", hasSize(3))
                .body("find { it.nodeId == '" + t.primary().name() + "' }.role", equalTo("writer+reader"))
                .body("latest.readOnly", hasItem(true))
                .body("reason", everyItem(notNullValue()));

        given().get("/clusters/no-such-cluster/topology").then().statusCode(404)
                .body("error", containsString("no cluster no-such-cluster"));
        Waits.until("ready, owning " + id, Duration.ofSeconds(30), () -> given().get("/q/health/ready").asString()
                .contains(id));
        String metrics = given().get("/q/metrics").asString();
        long generation = given().get("/clusters/" + id + "/topology").jsonPath().getLong("generation");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("mysqlha_topology_generation{cluster=\"" + id
                + "\"} " + generation + ".0"), "generation gauge at " + generation);
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("mysqlha_topology_writers{cluster=\"" + id
                + "\"} 1.0"), "writers gauge");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("mysqlha_topology_node_role{cluster=\"" + id
                + "\",node=\"" + t.primary().name() + "\",role=\"writer\"} 1.0"), "the primary's writer role");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("mysqlha_topology_node_role{cluster=\"" + id
                + "\",node=\"" + t.replicas().getFirst().name() + "\",role=\"writer\"} 0.0"),
                "a replica's writer role, 0");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("mysqlha_topology_decision_seconds_count"),
                "decision latency");
        given().get("/q/openapi").then().statusCode(200).body(containsString("/clusters/{id}/nodes"));
    }
}
