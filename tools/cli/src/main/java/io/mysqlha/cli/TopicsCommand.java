package io.mysqlha.cli;

import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAcls;
import io.mysqlha.events.kafka.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mysqlha topics create}: the suite's topics with their settings (what compose and Kubernetes run first);
 * {@code mysqlha topics acls}: the ACLs a part of the suite needs on a Kafka with an authorizer.
 */
@Command(name = "topics", description = "The suite's Kafka topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.Acls.class})
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

    @Command(name = "acls", description = "The ACLs a part of the suite needs on a Kafka with an authorizer, for this"
            + " topic prefix: printed as kafka-acls.sh commands, or created with --apply (as a user that may alter"
            + " ACLs, given by --kafka-config).")
    static final class Acls implements Callable<Integer> {
        @ParentCommand
        TopicsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--role", required = true, description = "health-probe, topology, failover, backup,"
                + " proxy-gateway, alert-forwarder, operator (the CLI that applies specs and asks for switchovers) or"
                + " viewer (a read-only CLI)")
        String role;
        @Option(names = "--principal", required = true, description = "its Kafka principal, e.g. User:mysqlha-probe")
        String principal;
        @Option(names = "--group", description = "its consumer group id if not the default")
        String group;
        @Option(names = "--apply", description = "create them on the brokers instead of printing them")
        boolean apply;

        @Override
        public Integer call() throws Exception {
            Mysqlha root = parent.root;
            KafkaAcls.Role r;
            try {
                r = KafkaAcls.Role.of(role);
            } catch (IllegalArgumentException e) {
                throw new CliException("--role: " + e.getMessage(), 2);
            }
            if (!principal.matches("[A-Za-z]+:.+")) {
                throw new CliException("--principal: '" + principal + "' is not a Kafka principal (e.g. User:alice)", 2);
            }
            List<AclBinding> acls = KafkaAcls.bindings(r, new Topics(root.topicPrefix), group, principal);
            if (!apply) {
                acls.forEach(a -> spec.commandLine().getOut().println(KafkaAcls.command(a)));
                return 0;
            }
            var kafka = root.kafka();
            try (Admin admin = Admin.create(kafka.config(Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) root.kafkaTimeout.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) root.kafkaTimeout.toMillis())))) {
                admin.createAcls(acls).all().get(root.kafkaTimeout.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new CliException("creating the ACLs of " + r.shown() + " on " + kafka + ": "
                        + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), 1);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new CliException("creating the ACLs of " + r.shown() + ": Kafka at " + kafka
                        + " did not answer within " + root.kafkaTimeout.toSeconds() * 2 + " s", 3);
            }
            spec.commandLine().getOut().println(acls.size() + " ACL(s) of " + r.shown() + " for " + principal
                    + " created");
            return 0;
        }
    }
}
