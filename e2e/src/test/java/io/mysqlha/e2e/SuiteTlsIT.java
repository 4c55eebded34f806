package io.mysqlha.e2e;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.domain.ListenerTls;
import io.mysqlha.domain.NodeTls;
import io.mysqlha.domain.TlsMode;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.services.SecretLeaks;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import io.mysqlha.testsupport.tls.Certificates;
import io.mysqlha.testsupport.tls.NodeCertificates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite against servers that require TLS ({@code require_secure_transport=ON}, certificates of a CA of their own),
 * each service its own packaged process, the cluster's {@code tls: {mode: verify_identity, ca}}: the probe sees the
 * nodes healthy, the gateway reaches them over TLS whether its client came in clear or over TLS, a backup dumps and
 * archives binlogs with the server's tools over TLS, and a switchover re-points the replicas over TLS.
 */
class SuiteTlsIT {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String CLUSTER = "stls";

    static List<Flavours.Of> flavours() {
        return Flavours.BOTH;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavours")
    void theSuiteWorksAgainstServersThatRequireTls(Flavours.Of flavour) throws Exception {
        Topics topics = new Topics("suite-tls-" + flavour.tag() + ".");
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("suite-tls-it-" + flavour.tag());
        NodeCertificates certs = NodeCertificates.make(dir.resolve("tls"));
        GtidTopology t = flavour == Flavours.MYSQL ? MySqlTopology.startForTests(dir.resolve("db"), 2, certs)
                : ReplicationTopology.startForTests(dir.resolve("db"), 2, certs);
        List<ServiceProcess> services = new ArrayList<>();
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        try (EventTap tap = new EventTap(bootstrap, topics, CLUSTER, Topic.FAILOVER, Topic.BACKUP, Topic.ALERTS)) {
            refusesClearLogins(t.primary(), t);
            Path secrets = Secrets.write(dir.resolve("secrets"), t.users());
            Secrets.putText(secrets, "nodes-ca", certs.authority().certPem());
            Secrets.putText(secrets, "gateway-cert", certs.server().certPem());
            Secrets.putText(secrets, "gateway-key", certs.server().keyPem());
            Suite suite = new Suite(bootstrap, topics, secrets, dir);
            for (String s : List.of("health-probe", "topology", "failover", "proxy-gateway", "backup")) {
                services.add(suite.start(s));
            }
            ServiceProcess failover = services.get(2);
            ServiceProcess backup = services.get(4);
            int rw = FreePorts.next();
            ClusterSpec base = t.spec(CLUSTER);
            Specs.apply(bootstrap, topics, spec(base, rw, new NodeTls(TlsMode.VERIFY_IDENTITY, "nodes-ca")));

            // a client in clear and a client checking the gateway's certificate: both reach the primary over TLS
            Waits.until("the gateway writing to " + t.primary().name() + " through :" + rw, PATIENCE, () -> {
                try (Connection c = client(rw, null)) {
                    return Sql.value(c, "SELECT @@port").orElse("").equals(Integer.toString(t.primary().port()));
                }
            });
            try (Connection plain = client(rw, null);
                 Connection verified = client(rw, certs.authority().cert())) {
                assertFalse(cipher(plain).isEmpty(), "the gateway's connection to the node is encrypted");
                assertFalse(cipher(verified).isEmpty(), "and for a client that came over TLS");
                Sql.execute(verified, "CREATE TABLE IF NOT EXISTS app.tls (id INT PRIMARY KEY)",
                        "INSERT INTO app.tls VALUES (1)");
            }

            Waits.until("backup streaming the primary's binlogs over TLS", PATIENCE, () -> {
                String c = backup.get("/clusters").body();
                return c.contains("\"writer\":\"" + t.primary().name() + "\"") && c.contains("\"streaming\":true");
            });
            var dump = backup.post("/clusters/" + CLUSTER + "/backups?by=e2e");
            assertEquals(202, dump.statusCode(), dump.body());
            String job = field(dump.body(), "jobId");
            String[] last = {null};
            Waits.until("the dump over TLS done", PATIENCE, () -> {
                last[0] = backup.get("/jobs/" + job).body();
                return last[0].contains("\"state\":\"COMPLETED\"") || last[0].contains("\"state\":\"FAILED\"");
            });
            assertTrue(last[0].contains("\"state\":\"COMPLETED\""), last[0]);

            ServerNode old = t.primary();
            var answer = failover.post("/clusters/" + CLUSTER + "/switchover?by=it");
            assertEquals(202, answer.statusCode(), answer.body());
            FailoverCompleted done = tap.await("the switchover", FailoverCompleted.class, 0,
                    f -> f.kind() == FailoverKind.SWITCHOVER, PATIENCE);
            System.out.printf("switchover over TLS: %s -> %s, steps %s%n", done.oldPrimary(), done.newPrimary(),
                    done.stepDurationsMillis());
            ServerNode promoted = t.node(done.newPrimary());
            Waits.until(old.name() + " replicating from " + promoted.name() + " over TLS", PATIENCE, () -> {
                try (Connection c = old.connect(t.users().admin())) {
                    Map<String, String> s = Sql.rows(c, flavour == Flavours.MYSQL ? "SHOW REPLICA STATUS"
                            : "SHOW SLAVE STATUS").getFirst();
                    String io = s.getOrDefault("Replica_IO_Running", s.get("Slave_IO_Running"));
                    String ssl = s.getOrDefault("Source_SSL_Allowed", s.get("Master_SSL_Allowed"));
                    return "Yes".equals(io) && "Yes".equals(ssl);
                }
            });
            Waits.until("the gateway writing to " + promoted.name(), PATIENCE, () -> {
                try (Connection c = client(rw, null)) {
                    return Sql.value(c, "SELECT @@port").orElse("").equals(Integer.toString(promoted.port()));
                }
            });

            // a CA that did not sign the nodes' certificates: said as such, and never read as dead nodes
            Secrets.putText(secrets, "wrong-ca", Certificates.selfSigned(dir.resolve("tls-other"), "someone-else")
                    .certPem());
            Specs.apply(bootstrap, topics, spec(base, rw, new NodeTls(TlsMode.VERIFY_CA, "wrong-ca")));
            AlertRaised named = tap.await("the TLS mismatch named", AlertRaised.class, 0,
                    a -> a.name().equals("NodeUnreachableAuth") && a.summary().contains("TLS handshake"), PATIENCE);
            System.out.println("a wrong CA: " + named.summary());
            assertTrue(named.summary().contains("tls.ca"), named.summary());
            assertTrue(tap.all(FailoverCompleted.class).stream().noneMatch(f -> f.kind() == FailoverKind.FAILOVER),
                    "no failover for nodes the probe cannot log in to");
            java.util.Map<String, String> held = new java.util.HashMap<>(SecretLeaks.apiTokens());
            held.put("the nodes' private key", pemBody(certs.server().keyPem()));
            assertEquals(List.of(), SecretLeaks.inLogs(dir, held), "no secret in any service's log");
        } finally {
            services.forEach(ServiceProcess::close);
            t.close();
        }
    }

    /** The first line of a PEM block's base64 body (64 characters, as a log would print it). */
    private static String pemBody(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    }

    private static ClusterSpec spec(ClusterSpec base, int rw, NodeTls tls) {
        return new ClusterSpec(CLUSTER, base.kind(), base.nodes(), null, null,
                List.of(new ListenerSpec("rw", "127.0.0.1", rw, ListenerRole.READ_WRITE, 64,
                        new ListenerTls("gateway-cert", "gateway-key", false))), null, null, null, tls);
    }

    /** The servers really refuse a login in clear: what the suite does above it does over TLS. */
    private static void refusesClearLogins(ServerNode node, GtidTopology t) {
        SQLException refused = null;
        try (Connection c = Sql.connect(node.host(), node.port(), t.users().admin(), 5_000, false)) {
            c.isValid(1);
        } catch (SQLException e) {
            refused = e;
        }
        // MySQL says 3159 (insecure transport); MariaDB 10.11 answers 1045 (access denied)
        assertTrue(refused != null && (refused.getErrorCode() == 3159 || refused.getErrorCode() == 1045),
                "a login in clear is refused: " + refused);
    }

    private static String cipher(Connection c) throws SQLException {
        return Sql.rows(c, "SHOW SESSION STATUS LIKE 'Ssl_cipher'").getFirst().get("Value");
    }

    /** A client of the gateway: in clear, or over TLS checking the gateway's certificate against {@code ca}. */
    private static Connection client(int port, Path ca) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        p.setProperty("connectTimeout", "5000");
        if (ca != null) {
            p.setProperty("sslMode", "verify-full");
            p.setProperty("serverSslCert", ca.toAbsolutePath().toString());
        }
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
