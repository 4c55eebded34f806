package io.mysqlha.testsupport.kafka;

import io.mysqlha.domain.Secret;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.events.kafka.TopicProvisioner;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.ProjectLayout;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.process.ManagedProcess;
import io.mysqlha.testsupport.tls.Certificates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft Kafka broker on 127.0.0.1, run from the official jars (infra/kafka-dist) as its own
 * process: killable by pid, restartable with its data, and independent of the test JVM's class path.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final String READY_LINE = "Kafka Server started";

    private static final String SCRAM = "SCRAM-SHA-512";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final ManagedProcess.Ownership ownership;
    /** Null for a broker in clear; else its TLS and the listener its own clients (and the tests' admin) use. */
    private final Secured secured;
    private ManagedProcess process;

    /**
     * A broker whose clients' listener is SASL_SSL with SCRAM-SHA-512 users and whose authorizer allows only what
     * ACLs grant; the broker itself (inter-broker, controller) and the tests' admin client are authenticated by
     * its certificate on listeners of their own, so no SCRAM password is ever on a command line.
     *
     * @param ca           the CA that signed {@code cert}: what a client's truststore holds
     * @param cert         the broker's certificate for 127.0.0.1, also its identity as super user
     * @param internalPort the mutual-TLS listener of the broker and the admin
     */
    private record Secured(Certificates ca, Certificates cert, int internalPort) {
    }

    private KafkaBroker(Path dir, int port, int controllerPort, ManagedProcess.Ownership ownership, Secured secured) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.ownership = ownership;
        this.secured = secured;
    }

    /** A broker for tests on free ports, in a fresh directory, killed when the JVM exits. */
    public static KafkaBroker startForTests(Path dir) {
        KafkaBroker broker = new KafkaBroker(dir, FreePorts.next(), FreePorts.next(), ManagedProcess.Ownership.TEST,
                null);
        broker.start();
        return broker;
    }

    /**
     * A secured broker for tests on free ports: clients log in with SCRAM-SHA-512 over TLS (a certificate of a CA
     * made here) and may do only what {@link #grant} allowed them; add users with {@link #addUser}.
     */
    public static KafkaBroker startSecuredForTests(Path dir) {
        Certificates ca = Certificates.authority(dir.resolve("tls"), "mysqlha-test-kafka-ca");
        Certificates cert = ca.sign(dir.resolve("tls"), "mysqlha-test-kafka");
        KafkaBroker broker = new KafkaBroker(dir, FreePorts.next(), FreePorts.next(), ManagedProcess.Ownership.TEST,
                new Secured(ca, cert, FreePorts.next()));
        broker.start();
        return broker;
    }

    /** A broker for the local launcher, on fixed ports, keeping its data in {@code dir} across restarts. */
    public static KafkaBroker detached(Path dir, int port, int controllerPort) {
        return new KafkaBroker(dir, port, controllerPort, ManagedProcess.Ownership.DETACHED, null);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** How the suite's clients reach this broker (in clear; for a secured broker, {@link #access(String, Secret)}). */
    public KafkaAccess access() {
        if (secured != null) {
            throw new IllegalStateException("a secured broker has no anonymous access: use access(user, password)");
        }
        return KafkaAccess.plaintext(bootstrapServers());
    }

    /** A secured broker's access as {@code user} (SCRAM-SHA-512 over TLS, checking the broker's certificate). */
    public KafkaAccess access(String user, Secret password) {
        return KafkaAccess.secured(bootstrapServers(), "SASL_SSL", SCRAM, user, password, caPem());
    }

    /** The CA of a secured broker's certificate (PEM). */
    public String caPem() {
        return secured.ca().certPem();
    }

    /** Creates (or changes the password of) a SCRAM-SHA-512 user of a secured broker, and waits until it can log in. */
    public void addUser(String user, Secret password) {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password.reveal()))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the Kafka user " + user + ": " + e.getMessage(), e);
        }
        Waits.until("Kafka user " + user + " able to log in", Duration.ofSeconds(30), () -> {
            try (Admin as = Admin.create(access(user, password).config(Map.of(
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000)))) {
                as.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.ExecutionException e) {
                return false;
            }
        });
    }

    /** Adds ACLs on a secured broker. */
    public void grant(List<AclBinding> acls) {
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create ACLs on " + bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public ManagedProcess process() {
        return process;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path config = writeConfig();
            if (!Files.exists(dir.resolve("data/meta.properties"))) {
                format(config);
            }
            long logOffset = Files.exists(log()) ? Files.size(log()) : 0;
            process = ManagedProcess.start("kafka broker " + bootstrapServers(), java(List.of("-Xms128m", "-Xmx512m"),
                    "kafka.Kafka", config.toString()), dir, log(), ownership);
            Waits.until("Kafka at " + bootstrapServers() + " to log '" + READY_LINE + "'", Duration.ofSeconds(90),
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("broker exited:\n" + process.tail(30));
                        }
                        return ManagedProcess.since(log(), logOffset).contains(READY_LINE);
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka in " + dir, e);
        }
    }

    /** Creates the suite's topics with their settings. */
    public void provisionTopics(Topics topics) {
        try (Admin admin = admin()) {
            TopicProvisioner.ensureTopics(admin, topics, (short) 1);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /** An admin client that may do anything (on a secured broker: the broker's own identity, over mutual TLS). */
    public Admin admin() {
        Map<String, Object> config = new java.util.HashMap<>(adminSecurity());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminBootstrap());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(config);
    }

    /** Where an admin client connects: the clients' listener, or a secured broker's mutual-TLS one. */
    public String adminBootstrap() {
        return secured == null ? bootstrapServers() : "127.0.0.1:" + secured.internalPort();
    }

    /** The client properties of an admin (none in clear; on a secured broker, its certificate and key as PEM). */
    public Map<String, String> adminSecurity() {
        if (secured == null) {
            return Map.of();
        }
        return Map.of("security.protocol", "SSL", "ssl.keystore.type", "PEM",
                "ssl.keystore.location", keystore().toString(), "ssl.truststore.type", "PEM",
                "ssl.truststore.location", secured.ca().cert().toString());
    }

    /** Clean shutdown, keeping the data (a restart resumes with every topic and offset). */
    public synchronized void stop() {
        if (process != null) {
            process.terminate(Duration.ofSeconds(30));
        }
    }

    /** kill -9. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Path log() {
        return dir.resolve("broker.log");
    }

    /** A secured broker's key and certificate in one PEM file, as Kafka's PEM key store reads it. */
    private Path keystore() {
        return dir.resolve("tls/broker-keystore.pem");
    }

    /** The listeners: in clear, or SASL_SSL for clients beside mutual-TLS ones for the broker itself. */
    private List<String> listeners() throws IOException {
        if (secured == null) {
            return List.of("listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        }
        Files.writeString(keystore(), secured.cert().keyPem() + secured.cert().certPem());
        Files.setPosixFilePermissions(keystore(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String internal = "127.0.0.1:" + secured.internalPort();
        return List.of("listeners=SASL_SSL://127.0.0.1:" + port + ",INTERNAL://" + internal
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=SASL_SSL://127.0.0.1:" + port + ",INTERNAL://" + internal,
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL",
                "inter.broker.listener.name=INTERNAL",
                "listener.name.internal.ssl.client.auth=required",
                "listener.name.controller.ssl.client.auth=required",
                "ssl.keystore.type=PEM",
                "ssl.keystore.location=" + keystore(),
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + secured.ca().cert(),
                "listener.name.sasl_ssl.sasl.enabled.mechanisms=" + SCRAM,
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=User:CN=mysqlha-test-kafka",
                "allow.everyone.if.no.acl.found=false");
    }

    private Path writeConfig() throws IOException {
        Path config = dir.resolve("server.properties");
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "controller.listener.names=CONTROLLER"));
        lines.addAll(listeners());
        lines.addAll(List.of(
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=12",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.cleaner.backoff.ms=1000",
                ""));
        Files.writeString(config, String.join("\n", lines));
        Path log4j = dir.resolve("log4j2.xml");
        try (var in = KafkaBroker.class.getResourceAsStream("/kafka-log4j2.xml")) {
            Files.write(log4j, in.readAllBytes());
        }
        return config;
    }

    private void format(Path config) throws IOException {
        ManagedProcess format = ManagedProcess.start("kafka storage format", java(List.of("-Xmx256m"),
                        "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", config.toString()),
                dir, dir.resolve("format.log"), ManagedProcess.Ownership.TEST);
        if (!format.awaitExit(Duration.ofSeconds(60)) || !Files.exists(dir.resolve("data/meta.properties"))) {
            format.kill();
            throw new IllegalStateException("formatting Kafka storage in " + dir + " failed:\n" + format.tail(20));
        }
    }

    private List<String> java(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProjectLayout.java());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.xml"));
        cmd.add("-Dmysqlha.role=kafka-broker");
        cmd.add("-cp");
        cmd.add(ProjectLayout.kafkaLibs() + "/*");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Kafka's own generator: it never returns an id starting with '-', which the storage tool's argument parser
     * would read as an option (a plain random base64 id does so once in 64 runs).
     */
    private static String clusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }
}
