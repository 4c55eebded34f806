package io.mysqlha.testsupport.local;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.ClusterSpecApplier;
import io.mysqlha.events.spec.ClusterSpecYaml;
import io.mysqlha.testsupport.kafka.KafkaBroker;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.servers.GroupReplicationGroup;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.ServerNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The infrastructure half of infra/local/up.sh: a Kafka broker on 127.0.0.1:9092 and the {@code local} cluster
 * (MariaDB node1..node3 on 3307..3309, semi-sync GTID replication; or MySQL 9.7; or a MySQL 9.7 single-primary
 * Group Replication group, its group communication on 33061..33063), started detached so they outlive this JVM,
 * their pids in var/run for down.sh; then topics, secrets and the cluster spec. Safe to run again: what runs is
 * kept, what is stopped is restarted with its data.
 */
public final class LocalStack {
    static final int KAFKA_PORT = 9092;
    static final int KAFKA_CONTROLLER_PORT = 9093;
    static final List<Integer> NODE_PORTS = List.of(3307, 3308, 3309);
    /** Group Replication's group communication ports (FLAVOR=mysql-gr). */
    static final List<Integer> GCS_PORTS = List.of(33061, 33062, 33063);

    private final Path root;
    private final Path var;

    private LocalStack(Path root, Path var) {
        this.root = root;
        this.var = var;
    }

    public static void main(String[] args) throws Exception {
        try {
            switch (args.length > 0 ? args[0] : "") {
                case "up" -> {
                    require(args.length == 3 || args.length == 4);
                    System.setProperty("build.project.root", args[1]);
                    String flavor = args.length == 4 ? args[3] : "mariadb";
                    require(List.of("mariadb", "mysql", "mysql-gr").contains(flavor));
                    new LocalStack(Path.of(args[1]), Path.of(args[2]).toAbsolutePath()).up(flavor);
                }
                case "apply" -> {
                    require(args.length >= 3);
                    try (var kafka = new KafkaClients(args[1])) {
                        for (int i = 2; i < args.length; i++) {
                            var applied = kafka.apply(ClusterSpecYaml.load(Path.of(args[i])));
                            say(applied.clusterId() + " spec version " + applied.specVersion()
                                    + (applied.changed() ? " applied" : " unchanged"));
                        }
                    }
                }
                case "remove" -> {
                    require(args.length >= 3);
                    try (var kafka = new KafkaClients(args[1])) {
                        for (int i = 2; i < args.length; i++) {
                            kafka.remove(args[i]);
                            say(args[i] + " removed");
                        }
                    }
                }
                default -> require(false);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: LocalStack up <project root> <var dir> [mariadb|mysql|mysql-gr]\n"
                    + "       LocalStack apply <bootstrap> <spec.yaml>...\n"
                    + "       LocalStack remove <bootstrap> <cluster id>...");
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("local stack: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void require(boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException();
        }
    }

    private void up(String flavor) throws Exception {
        Files.createDirectories(var.resolve("run"));
        KafkaBroker kafka = KafkaBroker.detached(var.resolve("kafka"), KAFKA_PORT, KAFKA_CONTROLLER_PORT);
        if (alive("kafka", "kafka.Kafka")) {
            say("kafka      already running on " + kafka.bootstrapServers());
        } else {
            requireFree("Kafka", KAFKA_PORT, KAFKA_CONTROLLER_PORT);
            kafka.start();
            Files.writeString(pidFile("kafka"), kafka.process().pid() + "\n");
            say("kafka      started on " + kafka.bootstrapServers() + " (pid " + kafka.process().pid() + ")");
        }
        Topics topics = Topics.defaults();
        kafka.provisionTopics(topics);

        Path data = var.resolve(flavor);
        boolean anyRunning = java.util.stream.IntStream.range(0, NODE_PORTS.size())
                .anyMatch(i -> alive("node" + (i + 1), "mariadbd") || alive("node" + (i + 1), "sbin/mysqld"));
        // a node's command line names its option file, under the flavour's data folder
        boolean ours = java.util.stream.IntStream.range(0, NODE_PORTS.size())
                .anyMatch(i -> alive("node" + (i + 1), data + "/node" + (i + 1) + "/"));
        if (anyRunning && !ours) {
            throw new IllegalStateException("the local cluster runs with another FLAVOR (its data beside " + data
                    + "); stop it with infra/local/down.sh before starting it as " + flavor);
        }
        if (!anyRunning && !Files.isDirectory(data.resolve("node1/data/mysql"))) {
            requireFree(flavor, NODE_PORTS.stream().mapToInt(Integer::intValue).toArray());
        }
        List<? extends ServerNode> nodes;
        DbUsers users;
        ClusterKind kind = ClusterKind.SEMI_SYNC;
        // the nodes offer TLS with a certificate of the local CA (a Group Replication group keeps MySQL's own)
        Map<String, String> tls = nodeCertificate(var).offeredConfig();
        switch (flavor) {
            case "mysql" -> {
                MySqlTopology topology = MySqlTopology.startDetached(data, NODE_PORTS, tls);
                nodes = topology.nodes();
                users = topology.users();
            }
            case "mysql-gr" -> {
                GroupReplicationGroup group = GroupReplicationGroup.startDetached(data, NODE_PORTS, GCS_PORTS);
                nodes = group.members();
                users = group.users();
                kind = ClusterKind.GROUP_REPLICATION;
            }
            default -> {
                ReplicationTopology topology = ReplicationTopology.startDetached(data, NODE_PORTS, tls);
                nodes = topology.nodes();
                users = topology.users();
            }
        }
        for (ServerNode n : nodes) {
            Files.writeString(pidFile(n.name()), n.process().pid() + "\n");
            say(String.format("%-10s running on 127.0.0.1:%d (pid %d)", n.name(), n.port(), n.process().pid()));
        }
        apiToken(var);
        io.mysqlha.testsupport.services.Secrets.write(var.resolve("secrets"), users);
        usersLoader(var, nodes, users, flavor.equals("mariadb"));
        gatewayCertificate(var);

        ClusterSpec local = ClusterSpecYaml.load(root.resolve("infra/local/cluster-local.yaml"));
        ClusterSpec spec = kind == local.kind() ? local : new ClusterSpec(local.clusterId(), kind, local.nodes(),
                local.routing(), local.probe(), local.listeners(), local.backup(), local.credentials(),
                local.zonePreference(), local.tls());
        try (var clients = new KafkaClients(kafka.bootstrapServers())) {
            var applied = clients.apply(spec);
            say("cluster    '" + applied.clusterId() + "' spec version " + applied.specVersion()
                    + (applied.changed() ? " applied" : " unchanged"));
        }
    }

    /**
     * The REST API's tokens: an operator's, local-operator, made once with a random token, which bin/mysqlha reads
     * from var/secrets/local-operator-token; a tokens secret that exists is never overwritten.
     */
    private static void apiToken(Path var) throws IOException {
        Path secrets = var.resolve("secrets");
        Files.createDirectories(secrets);
        Path tokens = secrets.resolve("mysqlha-api-tokens");
        if (Files.exists(tokens)) {
            return;
        }
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String token = java.util.HexFormat.of().formatHex(random);
        Path own = secrets.resolve("local-operator-token");
        for (var secret : Map.of(tokens, "local-operator:operator:" + token + "\n", own, token + "\n").entrySet()) {
            Files.writeString(secret.getKey(), secret.getValue());
            Files.setPosixFilePermissions(secret.getKey(),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        say("api        operator token local-operator in var/secrets/local-operator-token (bin/mysqlha uses it)");
    }

    /**
     * The account the gateway reads the cluster's application users with (credentials.users_loader): made once on
     * the writer with a random password kept in secret mysqlha-users-loader, so a user created on the primary logs in
     * through the gateway at once. A secret that exists is never overwritten (its account is made again if missing).
     */
    private static void usersLoader(Path var, List<? extends ServerNode> nodes, DbUsers users, boolean mariadb)
            throws Exception {
        Path secret = var.resolve("secrets/mysqlha-users-loader");
        String password;
        if (Files.exists(secret)) {
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newBufferedReader(secret)) {
                p.load(in);
            }
            password = p.getProperty("password");
            if (password == null) {
                say("users      secret mysqlha-users-loader has no password= line: left as it is");
                return;
            }
        } else {
            byte[] random = new byte[16];
            new java.security.SecureRandom().nextBytes(random);
            password = java.util.HexFormat.of().formatHex(random);
            Files.writeString(secret, "user=mysqlha_users\npassword=" + password + "\n");
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        for (ServerNode n : nodes) {
            try (java.sql.Connection c = n.connect(users.admin())) {
                if (!"0".equals(io.mysqlha.testsupport.servers.Sql.value(c, "SELECT @@read_only").orElse("1"))) {
                    continue; // a replica: the writer's account replicates to it
                }
                io.mysqlha.testsupport.servers.Sql.execute(c,
                        "CREATE USER IF NOT EXISTS 'mysqlha_users'@'%' IDENTIFIED BY '" + password + "'",
                        "GRANT SELECT ON mysql." + (mariadb ? "global_priv" : "user") + " TO 'mysqlha_users'@'%'");
                say("users      the gateway reads application users from " + n.name() + " (secret"
                        + " mysqlha-users-loader): a user created there logs in through it at once");
                return;
            }
        }
        say("users      no writable node now: the users loader account is made at the next up.sh");
    }

    /** The local CA (var/tls/ca.pem), made once. */
    private static io.mysqlha.testsupport.tls.Certificates localCa(Path var) {
        Path tls = var.resolve("tls");
        return Files.exists(tls.resolve("ca.pem"))
                ? new io.mysqlha.testsupport.tls.Certificates(tls.resolve("ca.pem"), tls.resolve("ca-key.pem"))
                : io.mysqlha.testsupport.tls.Certificates.authority(tls, "mysqlha local CA");
    }

    /**
     * The nodes' TLS: a certificate for 127.0.0.1 and localhost signed by the local CA (var/tls/nodes-*.pem), made
     * once; the CA in the secret nodes-tls-ca (unless it exists), for a spec with tls.mode verify_identity.
     */
    private static io.mysqlha.testsupport.tls.NodeCertificates nodeCertificate(Path var) throws IOException {
        io.mysqlha.testsupport.tls.NodeCertificates certs = io.mysqlha.testsupport.tls.NodeCertificates.kept(
                localCa(var), var.resolve("tls"), "nodes");
        Path secrets = var.resolve("secrets");
        Files.createDirectories(secrets);
        Path ca = secrets.resolve("nodes-tls-ca");
        if (!Files.exists(ca)) {
            Files.writeString(ca, certs.authority().certPem());
            Files.setPosixFilePermissions(ca, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        return certs;
    }

    /**
     * The gateway's TLS towards applications: a local CA (var/tls/ca.pem, what clients verify with) and a certificate
     * for 127.0.0.1 and localhost signed by it, in the secrets gateway-tls-cert and gateway-tls-key. Made once: a
     * secret that exists (an operator's own certificate) is never overwritten.
     */
    private static void gatewayCertificate(Path var) throws IOException {
        Path secrets = var.resolve("secrets");
        Path cert = secrets.resolve("gateway-tls-cert");
        Path key = secrets.resolve("gateway-tls-key");
        if (Files.exists(cert) || Files.exists(key)) {
            return;
        }
        io.mysqlha.testsupport.tls.Certificates server = localCa(var).sign(var.resolve("tls"), "mysqlha-gateway");
        for (var secret : java.util.Map.of(cert, server.certPem(), key, server.keyPem()).entrySet()) {
            Files.writeString(secret.getKey(), secret.getValue());
            Files.setPosixFilePermissions(secret.getKey(),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        say("tls        gateway certificate for 127.0.0.1 signed by var/tls/ca.pem (secrets gateway-tls-cert, -key)");
    }

    /** A producer and a reader for applying and removing specs on the clusters topic. */
    private static final class KafkaClients implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final ClusterSpecApplier applier = new ClusterSpecApplier(Topics.defaults(),
                new EventSource("local-launcher", hostName()), Clock.systemUTC());

        KafkaClients(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "local-launcher-" + UUID.randomUUID()),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        }

        ClusterSpecApplier.Applied apply(ClusterSpec spec) throws Exception {
            return applier.apply(spec, consumer, producer, Duration.ofSeconds(30));
        }

        /** A tombstone: compaction forgets the cluster, and every service stops working on it. */
        void remove(String clusterId) throws Exception {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.defaults().name(
                    io.mysqlha.events.Topic.CLUSTERS), clusterId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    null)).get();
        }

        @Override
        public void close() {
            consumer.close();
            producer.close();
        }
    }

    private Path pidFile(String name) {
        return var.resolve("run/" + name + ".pid");
    }

    /** True when the pid file names a live process whose command line contains {@code marker}. */
    private boolean alive(String name, String marker) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(name)).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(h -> h.info().commandLine().orElse("").contains(marker)).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static void requireFree(String what, int... ports) {
        for (int port : ports) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                throw new IllegalStateException("port " + port + " (for " + what + ") is taken by a process this"
                        + " launcher did not start; stop it (ss -ltnp 'sport = :" + port + "' shows which) and rerun");
            } catch (IOException free) {
                // nobody listens: good
            }
        }
    }

    private static void say(String line) {
        System.out.println("  " + line);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
