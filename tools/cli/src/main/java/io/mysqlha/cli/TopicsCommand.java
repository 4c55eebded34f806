package io.mysqlha.cli;

import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mysqlha topics create}: the suite's topics with their settings (what compose and Kubernetes run first). */
@Command(name = "topics", description = "The suite's Kafka topics.", subcommands = TopicsCommand.Create.class)
final class TopicsCommand {
    @ParentCommand
    Mysqlha root;

    @Command(name = "create", description = "Create the suite's topics that do not exist yet, each with 12 partitions"
            + " and its cleanup policy and retention; existing topics are left as they are. Waits for Kafka first.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TopicsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--replication-factor", defaultValue = "1",
                description = "replicas of every partition (3 on a production cluster; default ${DEFAULT-VALUE})")
        short replicationFactor;
        @Option(names = "--wait", defaultValue = "120s", converter = Mysqlha.DurationConverter.class,
                description = "how long to wait for Kafka to answer (default ${DEFAULT-VALUE})")
        Duration wait;

        @Override
        public Integer call() throws Exception {
            Mysqlha root = parent.root;
            Instant deadline = Instant.now().plus(wait);
            try (Admin admin = Admin.create(root.kafka().config(Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) root.kafkaTimeout.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) root.kafkaTimeout.toMillis())))) {
                while (true) {
                    try {
                        List<String> created = TopicProvisioner.ensureTopics(admin, new Topics(root.topicPrefix),
                                replicationFactor);
                        spec.commandLine().getOut().println(created.isEmpty() ? "every topic exists already"
                                : "created " + String.join(", ", created));
                        return 0;
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (Instant.now().isAfter(deadline)) {
                            throw new CliException("creating topics on " + root.bootstrap + ": " + (e.getCause() == null
                                    ? e.getMessage() : e.getCause().getMessage()), 1);
                        }
                        Thread.sleep(1_000);
                    }
                }
            }
        }
    }
}
