package io.mysqlha.testsupport.kafka;

import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.TopicProvisioner;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.ProjectLayout;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.process.ManagedProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real single-node KRaft Kafka broker on 127.0.0.1, run from the official jars (infra/kafka-dist) as its own
 * process: killable by pid, restartable with its data, and independent of the test JVM's class path.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final String READY_LINE = "Kafka Server started";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final ManagedProcess.Ownership ownership;
    private ManagedProcess process;

    private KafkaBroker(Path dir, int port, int controllerPort, ManagedProcess.Ownership ownership) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.ownership = ownership;
    }

    /** A broker for tests on free ports, in a fresh directory, killed when the JVM exits. */
    public static KafkaBroker startForTests(Path dir) {
        KafkaBroker broker = new KafkaBroker(dir, FreePorts.next(), FreePorts.next(), ManagedProcess.Ownership.TEST);
        broker.start();
        return broker;
    }

    /** A broker for the local launcher, on fixed ports, keeping its data in {@code dir} across restarts. */
    public static KafkaBroker detached(Path dir, int port, int controllerPort) {
        return new KafkaBroker(dir, port, controllerPort, ManagedProcess.Ownership.DETACHED);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
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

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
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

    private Path writeConfig() throws IOException {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
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
                "") );
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
