package io.mysqlha.e2e;

import com.sun.net.httpserver.HttpServer;
import io.mysqlha.domain.Secret;
import io.mysqlha.events.BackupCompleted;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAcls;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.KafkaBroker;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.SecretLeaks;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every service and the CLI against a Kafka that authenticates (SASL_SSL, SCRAM-SHA-512, the brokers' certificate
 * checked) and authorizes: each part of the suite its own Kafka user granted exactly what {@link KafkaAcls} says, no
 * more. The probe's health reaches topology, the gateway routes by its assignments, a backup is taken, the operator's
 * CLI asks for a switchover that failover carries out while a viewer's CLI is refused writing the command, an alert
 * reaches the webhook through the alert forwarder; no Kafka password in any log.
 */
class SuiteKafkaSecurityIT {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String CLUSTER = "kafkasec";
    private static final List<String> SERVICES = List.of("health-probe", "topology", "failover", "proxy-gateway",
            "backup", "alert-forwarder");

    @Test
    void everyServiceAndTheCliWorkWithAnAuthenticatingAndAuthorizingKafka() throws Exception {
        Path dir = SharedInfra.dir("suite-kafka-security-it");
        Topics topics = new Topics("ksec.");
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer webhook = receiver(alerts);
        List<ServiceProcess> running = new ArrayList<>();
        ReplicationTopology t = null;
        try (KafkaBroker broker = KafkaBroker.startSecuredForTests(dir.resolve("kafka"))) {
            broker.provisionTopics(topics);
            t = ReplicationTopology.startForTests(dir.resolve("db"), 2);
            Path secrets = Secrets.write(dir.resolve("secrets"), t.users());
            Secrets.putText(secrets, "kafka-ca", broker.caPem());
            Secrets.putText(secrets, "alert-webhook-url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/");

            // one Kafka user per part of the suite, granted what the table says and nothing more
            Map<String, Secret> passwords = new LinkedHashMap<>();
            for (String service : SERVICES) {
                Secret password = user(broker, topics, KafkaAcls.Role.of(service), service, service + "-"
                        + topics.prefix());
                passwords.put(service, password);
                Secrets.putText(secrets, "kafka-password-" + service, password.reveal());
            }
            // the operator's ACLs granted as an operator of Kafka would: with the CLI, as Kafka's admin
            Secret operator = Secret.of(UUID.randomUUID().toString());
            broker.addUser("ops", operator);
            Path admin = dir.resolve("admin-kafka.properties");
            store(broker.adminSecurity(), admin);
            Cli.Ran granted = cli(broker.adminBootstrap(), topics, admin, "topics", "acls", "--role", "operator",
                    "--principal", "User:ops", "--apply");
            assertEquals(0, granted.exit(), granted.out());
            assertTrue(granted.out().contains("ACL(s) of operator for User:ops created"), granted.out());
            Secret viewer = user(broker, topics, KafkaAcls.Role.VIEWER, "watch", null);
            passwords.put("ops", operator);
            passwords.put("watch", viewer);

            Suite suite = new Suite(broker.bootstrapServers(), topics, secrets, dir);
            for (String service : SERVICES) {
                running.add(suite.start(service, Map.of(
                        "mysqlha.kafka.security-protocol", "SASL_SSL",
                        "mysqlha.kafka.sasl.username", service,
                        "mysqlha.kafka.sasl.password-secret", "kafka-password-" + service,
                        "mysqlha.kafka.ca-secret", "kafka-ca")));
            }
            int rw = FreePorts.next();
            Specs.apply(broker.access("ops", operator), topics, Gateways.withListener(t.spec(CLUSTER), null, rw));

            ReplicationTopology nodes = t;
            Waits.until("the gateway writing to " + t.primary().name() + " through :" + rw, PATIENCE, () -> {
                try (Connection c = Gateways.client(rw, Duration.ofSeconds(5))) {
                    return Sql.value(c, "SELECT @@port").orElse("").equals(Integer.toString(nodes.primary().port()));
                }
            });
            Waits.until("every service ready, Kafka reachable as its own user", PATIENCE, () -> running.stream()
                    .allMatch(s -> {
                        try {
                            return s.get("/q/health/ready").statusCode() == 200;
                        } catch (Exception e) {
                            return false;
                        }
                    }));

            String[] writer = {null};
            try (EventTap tap = new EventTap(broker.access("watch", viewer), topics, CLUSTER, Topic.FAILOVER,
                    Topic.BACKUP)) {
                ServiceProcess backup = running.get(4);
                Waits.until("backup owning " + CLUSTER, PATIENCE, () -> backup.get("/clusters").body()
                        .contains("\"writer\":\"" + nodes.primary().name() + "\""));
                var dump = backup.post("/clusters/" + CLUSTER + "/backups");
                assertEquals(202, dump.statusCode(), dump.body());
                tap.await("the backup published", BackupCompleted.class, 0, b -> true, PATIENCE);

                Path operatorConfig = clientConfig(dir, "ops", operator, broker);
                Path viewerConfig = clientConfig(dir, "watch", viewer, broker);
                Cli.Ran status = cli(broker, topics, viewerConfig, "status", CLUSTER);
                assertEquals(0, status.exit(), status.out());
                assertTrue(status.out().contains(t.primary().name()), status.out());

                Cli.Ran refused = cli(broker, topics, viewerConfig, "switchover", CLUSTER);
                assertNotEquals(0, refused.exit(), refused.out());
                assertTrue(refused.out().contains("refused it"), refused.out());
                assertTrue(refused.out().contains("ACLs"), refused.out());

                ServerNode old = t.primary();
                Cli.Ran asked = cli(broker, topics, operatorConfig, "switchover", CLUSTER);
                assertEquals(0, asked.exit(), asked.out());
                FailoverCompleted done = tap.await("the switchover", FailoverCompleted.class, 0,
                        f -> f.kind() == FailoverKind.SWITCHOVER, PATIENCE);
                assertEquals(old.name(), done.oldPrimary());
                ServerNode promoted = t.node(done.newPrimary());
                writer[0] = promoted.name();
                Waits.until("the gateway writing to " + promoted.name(), PATIENCE, () -> {
                    try (Connection c = Gateways.client(rw, Duration.ofSeconds(5))) {
                        return Sql.value(c, "SELECT @@port").orElse("").equals(Integer.toString(promoted.port()));
                    }
                });
                assertEquals(1, tap.all(FailoverCompleted.class).size(), "the viewer's request was never published");
            }

            // an alert, from topology's transactions through the forwarder's group to the webhook
            ServerNode replica = t.nodes().stream().filter(n -> !n.name().equals(writer[0])).findFirst().orElseThrow();
            replica.stop();
            Waits.until("NodeDown of " + replica.name() + " posted to the webhook", PATIENCE,
                    () -> alerts.stream().anyMatch(a -> a.contains("NodeDown") && a.contains(replica.name())));

            Map<String, String> held = new HashMap<>(SecretLeaks.apiTokens());
            passwords.forEach((user, p) -> held.put("the Kafka password of " + user, p.reveal()));
            assertEquals(List.of(), SecretLeaks.inLogs(dir, held), "no Kafka password in any log");
        } finally {
            running.forEach(ServiceProcess::close);
            if (t != null) {
                t.close();
            }
            webhook.stop(0);
        }
    }

    /** A Kafka user with a fresh password, granted what {@code role} needs with this group id. */
    private static Secret user(KafkaBroker broker, Topics topics, KafkaAcls.Role role, String name, String group) {
        Secret password = Secret.of(UUID.randomUUID().toString());
        broker.addUser(name, password);
        broker.grant(KafkaAcls.bindings(role, topics, group, "User:" + name));
        return password;
    }

    /** The Kafka client properties an operator gives the CLI (--kafka-config), in a file of their own. */
    private static Path clientConfig(Path dir, String user, Secret password, KafkaBroker broker) throws IOException {
        Path ca = dir.resolve("kafka-ca.pem");
        Files.writeString(ca, broker.caPem());
        Properties p = new Properties();
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("sasl.mechanism", "SCRAM-SHA-512");
        p.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password.reveal() + "\";");
        p.setProperty("ssl.truststore.type", "PEM");
        p.setProperty("ssl.truststore.location", ca.toString());
        Path file = dir.resolve(user + "-kafka.properties");
        Map<String, String> settings = new HashMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        store(settings, file);
        return file;
    }

    private static void store(Map<String, String> settings, Path file) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
    }

    /** Runs the CLI to its end with this Kafka client configuration (given by the environment, as a file's path). */
    private static Cli.Ran cli(KafkaBroker broker, Topics topics, Path config, String... args) throws Exception {
        return cli(broker.bootstrapServers(), topics, config, args);
    }

    private static Cli.Ran cli(String bootstrap, Topics topics, Path config, String... args) throws Exception {
        return Cli.run(config.getParent(), List.of("--bootstrap-servers", bootstrap, "--topic-prefix", topics.prefix(),
                "--kafka-timeout", "20s"), Map.of("MYSQLHA_KAFKA_CONFIG", config.toString()), Duration.ofSeconds(90),
                args);
    }

    /** A webhook that keeps every body posted to it. */
    private static HttpServer receiver(List<String> bodies) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            try (OutputStream ignored = exchange.getResponseBody()) {
                // empty answer
            }
        });
        server.start();
        return server;
    }
}
