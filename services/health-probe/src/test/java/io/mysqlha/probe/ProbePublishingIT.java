package io.mysqlha.probe;

import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.ClusterSpecApplier;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole service: a spec on the clusters topic in, NodeHealthObserved for every node on the health topic out. */
@QuarkusTest
@WithTestResource(ProbeInfra.class)
class ProbePublishingIT {

    @Test
    void shouldProbeAnAppliedClusterAndPublishItsNodesKeyedByCluster() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        String cluster = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        Topics topics = Topics.defaults();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer());
             var reader = consumer(bootstrap, "apply-" + cluster)) {
            new ClusterSpecApplier(topics, new EventSource("test", "it"), Clock.systemUTC())
                    .apply(t.spec(cluster), reader, producer, Duration.ofSeconds(30));
        }
        Set<String> reachableNodes = ConcurrentHashMap.newKeySet();
        EventCodec codec = new EventCodec();
        try (var health = consumer(bootstrap, "health-" + cluster)) {
            health.subscribe(List.of(topics.name(Topic.HEALTH)));
            Waits.until("a reachable observation of every node of " + cluster, Duration.ofSeconds(60), () -> {
                for (var r : health.poll(Duration.ofMillis(200))) {
                    if (!cluster.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        continue;
                    }
                    var decoded = codec.decode(r.value());
                    assertTrue(decoded instanceof DecodeResult.Accepted, decoded.toString());
                    NodeHealthObserved o = (NodeHealthObserved) ((DecodeResult.Accepted) decoded).event();
                    assertEquals(cluster, o.clusterId());
                    assertEquals("health-probe", o.header().source());
                    if (o.reachable()) {
                        reachableNodes.add(o.nodeId());
                    }
                }
                return reachableNodes.size() == 3;
            });
        }
        Waits.until("ready with " + cluster + " probed", Duration.ofSeconds(30), () -> given().get("/q/health/ready")
                .asString().contains("\"" + cluster + "\": \"probed\""));
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("mysqlha_probe_duration_seconds_bucket{cluster=\"" + cluster + "\""), "latency histogram");
        assertTrue(metrics.contains("mysqlha_probe_clusters_owned"), "owned clusters gauge");
        assertEquals(3, java.util.regex.Pattern.compile("mysqlha_node_up\\{cluster=\"" + cluster
                + "\",node=\"[^\"]+\"\\} 1\\.0").matcher(metrics).results().count(), "every node up: " + metrics);
        assertEquals(2, java.util.regex.Pattern.compile("mysqlha_node_replication_sql_running\\{cluster=\"" + cluster
                + "\",node=\"[^\"]+\"\\} 1\\.0").matcher(metrics).results().count(), "both replicas' SQL threads");
        given().get("/q/health/ready").then().statusCode(200).body(containsString("probe"));

        // removed (tombstone): probing stops, and the cluster's figures leave /q/metrics with it
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.name(Topic.CLUSTERS),
                    cluster.getBytes(StandardCharsets.UTF_8), null)).get();
        }
        Waits.until(cluster + " gone from readiness and metrics", Duration.ofSeconds(30), () ->
                !given().get("/q/health/ready").asString().contains(cluster)
                        && !given().get("/q/metrics").asString().contains("cluster=\"" + cluster + "\""));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
