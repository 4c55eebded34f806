package io.mysqlha.gateway;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.ClusterSpecApplier;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Real Kafka and the real semi-sync topology. A cluster spec declares the gateway's two listeners on free ports,
 * and the tests publish TopologyChanged records as the topology service would (writer: the primary, reader: the
 * first replica, unless a test moves them).
 */
public class GatewayTestInfra implements QuarkusTestResourceLifecycleManager {
    static final int MAX_CONNECTIONS = 8;
    static final int HOLD_TIMEOUT_MS = 3_000;
    /** Short, so that sessions of every test here are released and reopened whenever they pause. */
    static final int IDLE_RELEASE_MS = 1_500;
    static final String CLUSTER = "gw-" + UUID.randomUUID().toString().substring(0, 8);
    /** A second cluster over the same nodes whose read/write listener splits (the default: session causal reads). */
    static final String SPLIT = "split-" + UUID.randomUUID().toString().substring(0, 8);
    /** A third over the same nodes whose read/write listener splits with global causal reads (not the default). */
    static final String GLOBAL_SPLIT = "global-" + UUID.randomUUID().toString().substring(0, 8);
    static int globalSplitPort;
    /** The same three kinds of listener over the MySQL 9.7 topology: pass-through, split, split with global reads. */
    static final String MYSQL_RW = "mysql-rw-" + UUID.randomUUID().toString().substring(0, 8);
    static final String MYSQL_SPLIT = "mysql-split-" + UUID.randomUUID().toString().substring(0, 8);
    static final String MYSQL_GLOBAL_SPLIT = "mysql-global-" + UUID.randomUUID().toString().substring(0, 8);
    static int mysqlRwPort;
    /** A cluster over the MariaDB nodes whose application users the gateway reads from its writer. */
    static final String SERVER_USERS = "users-" + UUID.randomUUID().toString().substring(0, 8);
    static int serverUsersPort;
    /** The same over the MySQL 9.7 nodes (SELECT on mysql.user). */
    static final String MYSQL_SERVER_USERS = "mysql-users-" + UUID.randomUUID().toString().substring(0, 8);
    static int mysqlServerUsersPort;
    /** The account it reads them with (SELECT on mysql.global_priv), and the secret naming it. */
    static final String USERS_LOADER = "mysqlha_users_loader";
    static final String USERS_LOADER_SECRET = "users-loader";
    /** The nodes a run goes to: their primary directly, and the gateway's three listeners in front of them. */
    record Backend(String name, Supplier<List<? extends ServerNode>> nodes, DbUsers users, IntSupplier direct,
                   IntSupplier passThrough, IntSupplier split, IntSupplier globalSplit) {
        /** Runs {@code statements} as the admin user on every node (settings the matrices need). */
        void onEveryNode(String... statements) throws java.sql.SQLException {
            for (ServerNode node : nodes.get()) {
                try (java.sql.Connection c = node.connect(users.admin())) {
                    io.mysqlha.testsupport.servers.Sql.execute(c, statements);
                }
            }
        }
    }

    static final List<Backend> BACKENDS = List.of(
            new Backend("MariaDB 10.11", () -> SharedInfra.replicationTopology().nodes(), DbUsers.LOCAL,
                    () -> SharedInfra.replicationTopology().primary().port(), () -> GatewayTestInfra.rwPort,
                    () -> GatewayTestInfra.splitPort, () -> GatewayTestInfra.globalSplitPort),
            new Backend("MySQL 9.7", () -> SharedInfra.mysqlTopology().nodes(), DbUsers.LOCAL,
                    () -> SharedInfra.mysqlTopology().primary().port(), () -> GatewayTestInfra.mysqlRwPort,
                    () -> GatewayTestInfra.mysqlSplitPort, () -> GatewayTestInfra.mysqlGlobalSplitPort));

    /** A user the gateway knows by its mysql_native_password hash only; its password is its name. */
    static final String HASH_ONLY = "hash_only";
    static final String HASH_ONLY_HASH = "*" + java.util.HexFormat.of().withUpperCase().formatHex(
            io.mysqlha.protocol.NativePassword.storedHash(HASH_ONLY.getBytes(StandardCharsets.UTF_8)));
    /** A user that authenticates with MariaDB's ed25519 on the primary, which the gateway cannot speak. */
    static final String ED25519 = "ed_user";
    static int mysqlSplitPort;
    /** A cluster over the same nodes whose sessions share at most MULTIPLEXED_MAX connections per node. */
    static final String MULTIPLEXED = "mux-" + UUID.randomUUID().toString().substring(0, 8);
    static final int MULTIPLEXED_MAX = 8;
    static final int MULTIPLEXED_QUEUE_TIMEOUT_MS = 2_000;
    /** Free connections idle this long get a COM_PING (the spec's ping_interval_ms: short, so that a test sees it). */
    static final int MULTIPLEXED_PING_INTERVAL_MS = 1_000;
    static int multiplexedPort;
    /** The same pool settings on a splitting listener: reader connections are pooled too. */
    static final String MULTIPLEXED_SPLIT = "muxsplit-" + UUID.randomUUID().toString().substring(0, 8);
    static int multiplexedSplitPort;
    /** Listeners of the test cluster with TLS: offered, and required. */
    static int tlsPort;
    static int tlsRequiredPort;
    /** The secrets the gateway reads its certificate from, and the certificate it serves first. */
    static Path secretsDir;
    static io.mysqlha.testsupport.tls.Certificates tlsCertificate;
    static final String TLS_CERT_SECRET = "gateway-tls-cert";
    static final String TLS_KEY_SECRET = "gateway-tls-key";
    static int mysqlGlobalSplitPort;
    static int rwPort;
    static int roPort;
    static int splitPort;
    private static final AtomicLong GENERATION = new AtomicLong();

    @Override
    public Map<String, String> start() {
        ReplicationTopology t = SharedInfra.replicationTopology();
        rwPort = FreePorts.next();
        roPort = FreePorts.next();
        splitPort = FreePorts.next();
        globalSplitPort = FreePorts.next();
        mysqlRwPort = FreePorts.next();
        serverUsersPort = FreePorts.next();
        mysqlServerUsersPort = FreePorts.next();
        mysqlSplitPort = FreePorts.next();
        mysqlGlobalSplitPort = FreePorts.next();
        multiplexedPort = FreePorts.next();
        multiplexedSplitPort = FreePorts.next();
        MySqlTopology mysql = SharedInfra.mysqlTopology();
        Path secrets = SharedInfra.dir("gateway-secrets");
        secretsDir = secrets;
        tlsPort = FreePorts.next();
        tlsRequiredPort = FreePorts.next();
        try {
            tlsCertificate = io.mysqlha.testsupport.tls.Certificates.selfSigned(secrets.resolve("tls"), "mysqlha-gateway-1");
            installCertificate(tlsCertificate);
            Files.writeString(secrets.resolve("mysqlha-app-users"), "# test users\n"
                    + t.users().app().name() + ":" + t.users().app().password().reveal() + "\n"
                    + t.users().admin().name() + ":" + t.users().admin().password().reveal() + "\n"
                    // known to the gateway by its native hash only (see GatewayMySqlIT)
                    + HASH_ONLY + ":" + HASH_ONLY_HASH + "\n"
                    + ED25519 + ":" + ED25519 + "\n");
            try (java.sql.Connection c = t.primary().connect(t.users().admin())) {
                io.mysqlha.testsupport.servers.Sql.execute(c, "CREATE USER IF NOT EXISTS '" + USERS_LOADER
                        + "'@'%' IDENTIFIED BY 'loader-pw'", "GRANT SELECT ON mysql.global_priv TO '" + USERS_LOADER
                        + "'@'%'");
            }
            try (java.sql.Connection c = mysql.primary().connect(mysql.users().admin())) {
                io.mysqlha.testsupport.servers.Sql.execute(c, "CREATE USER IF NOT EXISTS '" + USERS_LOADER
                        + "'@'%' IDENTIFIED BY 'loader-pw'", "GRANT SELECT ON mysql.user TO '" + USERS_LOADER + "'@'%'");
            }
            Files.writeString(secrets.resolve(USERS_LOADER_SECRET), "user=" + USERS_LOADER + "\npassword=loader-pw\n");
            ClusterSpec base = t.spec(CLUSTER);
            ClusterSpec spec = new ClusterSpec(CLUSTER, base.kind(), base.nodes(),
                    new io.mysqlha.domain.RoutingPolicy(null, null, null, null, false), null, List.of(
                    new ListenerSpec("rw", "127.0.0.1", rwPort, ListenerRole.READ_WRITE, MAX_CONNECTIONS),
                    new ListenerSpec("ro", "127.0.0.1", roPort, ListenerRole.READ_ONLY, MAX_CONNECTIONS),
                    new ListenerSpec("tls", "127.0.0.1", tlsPort, ListenerRole.READ_WRITE, 64,
                            new io.mysqlha.domain.ListenerTls(TLS_CERT_SECRET, TLS_KEY_SECRET, false)),
                    new ListenerSpec("tls-required", "127.0.0.1", tlsRequiredPort, ListenerRole.READ_WRITE, 64,
                            new io.mysqlha.domain.ListenerTls(TLS_CERT_SECRET, TLS_KEY_SECRET, true))),
                    null, null, null);
            ClusterSpec split = new ClusterSpec(SPLIT, base.kind(), base.nodes(),
                    new io.mysqlha.domain.RoutingPolicy(null, null, null, null, true, null, null,
                            List.of("sql_big_selects"), List.of(new io.mysqlha.domain.QueryRule("rule-target", null,
                            "\\bAS rule_target\\b", null, null, null, io.mysqlha.domain.QueryRule.Destination.WRITER,
                            true))), null,
                    List.of(new ListenerSpec("split", "127.0.0.1", splitPort, ListenerRole.READ_WRITE, 64)),
                    null, null, null);
            ClusterSpec globalSplit = new ClusterSpec(GLOBAL_SPLIT, base.kind(), base.nodes(),
                    new io.mysqlha.domain.RoutingPolicy(null, null, null, null, true,
                            io.mysqlha.domain.RoutingPolicy.CausalReads.GLOBAL, null, null, null), null,
                    List.of(new ListenerSpec("global", "127.0.0.1", globalSplitPort, ListenerRole.READ_WRITE, 64)),
                    null, null, null);
            String bootstrap = SharedInfra.kafka().bootstrapServers();
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
                 var reader = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                         bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "apply-" + CLUSTER),
                         new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                var applier = new ClusterSpecApplier(Topics.defaults(), new EventSource("test", "it"),
                        Clock.systemUTC());
                applier.apply(spec, reader, producer, Duration.ofSeconds(30));
                applier.apply(split, reader, producer, Duration.ofSeconds(30));
                applier.apply(globalSplit, reader, producer, Duration.ofSeconds(30));
                io.mysqlha.domain.RoutingPolicy.ConnectionPool muxPool = new io.mysqlha.domain.RoutingPolicy
                        .ConnectionPool(MULTIPLEXED_MAX, (long) MULTIPLEXED_QUEUE_TIMEOUT_MS, null, null, null, null,
                        (long) MULTIPLEXED_PING_INTERVAL_MS, null);
                applier.apply(new ClusterSpec(MULTIPLEXED, base.kind(), base.nodes(),
                        new io.mysqlha.domain.RoutingPolicy(null, null, null, null, false, null, null, null, null,
                                true, muxPool), null,
                        List.of(new ListenerSpec("mux", "127.0.0.1", multiplexedPort, ListenerRole.READ_WRITE, 4_000)),
                        null, null, null), reader, producer, Duration.ofSeconds(30));
                applier.apply(new ClusterSpec(MULTIPLEXED_SPLIT, base.kind(), base.nodes(),
                        new io.mysqlha.domain.RoutingPolicy(null, null, null, null, true, null, null, null, null,
                                true, muxPool), null,
                        List.of(new ListenerSpec("muxsplit", "127.0.0.1", multiplexedSplitPort,
                                ListenerRole.READ_WRITE, 1_000)), null, null, null), reader, producer,
                        Duration.ofSeconds(30));
                applier.apply(new ClusterSpec(SERVER_USERS, base.kind(), base.nodes(), spec.routing(), null,
                        List.of(new ListenerSpec("users", "127.0.0.1", serverUsersPort, ListenerRole.READ_WRITE, 64)),
                        null, new io.mysqlha.domain.CredentialRefs(null, null, null, null, USERS_LOADER_SECRET), null),
                        reader, producer, Duration.ofSeconds(30));
                ClusterSpec m = mysql.spec(MYSQL_RW);
                applier.apply(new ClusterSpec(MYSQL_SERVER_USERS, m.kind(), m.nodes(), spec.routing(), null,
                        List.of(new ListenerSpec("mysql-users", "127.0.0.1", mysqlServerUsersPort,
                                ListenerRole.READ_WRITE, 64)),
                        null, new io.mysqlha.domain.CredentialRefs(null, null, null, null, USERS_LOADER_SECRET), null),
                        reader, producer, Duration.ofSeconds(30));
                applier.apply(new ClusterSpec(MYSQL_RW, m.kind(), m.nodes(), spec.routing(), null,
                        List.of(new ListenerSpec("mysql-rw", "127.0.0.1", mysqlRwPort, ListenerRole.READ_WRITE, 64)),
                        null, null, null), reader, producer, Duration.ofSeconds(30));
                applier.apply(new ClusterSpec(MYSQL_SPLIT, m.kind(), m.nodes(), split.routing(), null,
                        List.of(new ListenerSpec("mysql-split", "127.0.0.1", mysqlSplitPort, ListenerRole.READ_WRITE,
                                64)), null, null, null), reader, producer, Duration.ofSeconds(30));
                applier.apply(new ClusterSpec(MYSQL_GLOBAL_SPLIT, m.kind(), m.nodes(), globalSplit.routing(), null,
                        List.of(new ListenerSpec("mysql-global", "127.0.0.1", mysqlGlobalSplitPort,
                                ListenerRole.READ_WRITE, 64)), null, null, null), reader, producer,
                        Duration.ofSeconds(30));
            }
            publishRoute(MYSQL_RW, mysql.primary(), List.of(mysql.replicas().getFirst()));
            publishRoute(MYSQL_SPLIT, mysql.primary(), mysql.replicas());
            publishRoute(MYSQL_GLOBAL_SPLIT, mysql.primary(), mysql.replicas());
            route(t.primary(), List.of(t.replicas().getFirst()));
            routeSplit(t.primary(), t.replicas());
            publishRoute(GLOBAL_SPLIT, t.primary(), t.replicas());
            publishRoute(MULTIPLEXED, t.primary(), List.of());
            publishRoute(MULTIPLEXED_SPLIT, t.primary(), List.of(t.replicas().getFirst()));
            publishRoute(SERVER_USERS, t.primary(), List.of());
            publishRoute(MYSQL_SERVER_USERS, mysql.primary(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                "mysqlha.secrets-dir", secrets.toString(),
                "mysqlha.gateway.hold-timeout-ms", Integer.toString(HOLD_TIMEOUT_MS),
                "mysqlha.gateway.handshake-timeout-ms", "2000",
                "mysqlha.gateway.idle-backend-release-ms", Integer.toString(IDLE_RELEASE_MS));
    }

    /** Puts a certificate and its key where the gateway's TLS listeners read them (it re-reads them by itself). */
    static void installCertificate(io.mysqlha.testsupport.tls.Certificates c) throws IOException {
        Path cert = secretsDir.resolve(TLS_CERT_SECRET + ".new");
        Path key = secretsDir.resolve(TLS_KEY_SECRET + ".new");
        Files.writeString(cert, c.certPem());
        Files.writeString(key, c.keyPem());
        Files.move(key, secretsDir.resolve(TLS_KEY_SECRET), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert, secretsDir.resolve(TLS_CERT_SECRET), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Publishes the next generation of the test cluster's topology: this writer (none when null), these readers. */
    static long route(MariaDbNode writer, List<MariaDbNode> readers) {
        return route(writer, readers, 0);
    }

    static long route(MariaDbNode writer, List<MariaDbNode> readers, long epoch) {
        long generation = GENERATION.incrementAndGet();
        TopologyChanged t = new TopologyChanged(new EventHeader(UUID.randomUUID().toString(), "TopologyChanged",
                CLUSTER, Instant.now(), "topology", "gateway-it", "1.0"), generation, epoch,
                writer == null ? List.of() : List.of(node(writer)), readers.stream().map(GatewayTestInfra::node).toList(),
                List.of(), List.of(), "test");
        publish(t);
        return generation;
    }

    private static final AtomicLong SPLIT_GENERATION = new AtomicLong();

    /** Publishes the next generation of the splitting cluster's topology. */
    static void routeSplit(MariaDbNode writer, List<MariaDbNode> readers) {
        publish(SPLIT, new TopologyChanged(new EventHeader(UUID.randomUUID().toString(), "TopologyChanged", SPLIT,
                Instant.now(), "topology", "gateway-it", "1.0"), SPLIT_GENERATION.incrementAndGet(), 0,
                List.of(node(writer)), readers.stream().map(GatewayTestInfra::node).toList(), List.of(), List.of(),
                "test"));
    }

    /** Publishes an event of the test cluster on its topic, as the service that owns it would. */
    static void publish(io.mysqlha.events.Event event) {
        publish(CLUSTER, event);
    }

    static void publish(String cluster, io.mysqlha.events.Event event) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfra.kafka().bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.defaults().nameFor(event),
                    cluster.getBytes(StandardCharsets.UTF_8), new EventCodec().encode(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.header().type() + ": " + e.getMessage(), e);
        }
    }

    /**
     * MariaDB's sequence tables ({@code seq_1_to_N}) as real tables on the MySQL primary, so the matrices' programs
     * read the same rows from both servers (MySQL has no sequence engine): every {@code seq_1_to_N} the tests name.
     */
    static void mysqlSequenceTables() throws java.sql.SQLException {
        MySqlTopology m = SharedInfra.mysqlTopology();
        try (java.sql.Connection c = m.primary().connect(m.users().admin())) {
            io.mysqlha.testsupport.servers.Sql.execute(c, "SET SESSION cte_max_recursion_depth = 1000000");
            for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 10, 20, 30, 50, 100, 20_000, 50_000, 100_000}) {
                String table = "app.seq_1_to_" + n;
                if (io.mysqlha.testsupport.servers.Sql.value(c, "SELECT COUNT(*) FROM information_schema.tables"
                        + " WHERE table_schema = 'app' AND table_name = 'seq_1_to_" + n + "'").orElse("0").equals("0")) {
                    io.mysqlha.testsupport.servers.Sql.execute(c,
                            "CREATE TABLE " + table + " (seq BIGINT UNSIGNED NOT NULL PRIMARY KEY)",
                            "INSERT INTO " + table + " WITH RECURSIVE s (seq) AS (SELECT 1 UNION ALL SELECT seq + 1"
                                    + " FROM s WHERE seq < " + n + ") SELECT seq FROM s");
                }
            }
        }
        m.awaitReplicated(Duration.ofSeconds(60));
    }

    /** Generation 1 of a cluster's topology: this writer, these readers. */
    private static void publishRoute(String cluster, ServerNode writer, List<? extends ServerNode> readers) {
        publish(cluster, new TopologyChanged(new EventHeader(UUID.randomUUID().toString(), "TopologyChanged", cluster,
                Instant.now(), "topology", "gateway-it", "1.0"), 1, 0, List.of(node(writer)),
                readers.stream().map(GatewayTestInfra::node).toList(), List.of(), List.of(), "test"));
    }

    private static TopologyChanged.AssignedNode node(ServerNode n) {
        return new TopologyChanged.AssignedNode(n.name(), "127.0.0.1", n.port(), 1, "test");
    }

    /** Waits until both listeners accept connections (they open once the gateway read the spec). */
    static void awaitListening() {
        for (int port : new int[] {rwPort, roPort, splitPort, globalSplitPort, mysqlRwPort, mysqlSplitPort,
                mysqlGlobalSplitPort, tlsPort, tlsRequiredPort, multiplexedPort,
                multiplexedSplitPort}) {
            Waits.until("gateway listening on " + port, Duration.ofSeconds(60), () -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                }
            });
        }
    }

    @Override
    public void stop() {
        // shared infrastructure stops at JVM exit
    }
}
