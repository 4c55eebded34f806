package io.mysqlha.cli;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.InvalidSpecException;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topic;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.ClusterSpecApplier;
import io.mysqlha.events.spec.ClusterSpecYaml;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mysqlha clusters apply -f spec.yaml} and {@code mysqlha clusters list}. */
@Command(name = "clusters", description = "Cluster specs: apply them, list them.",
        subcommands = {ClustersCommand.Apply.class, ClustersCommand.ListClusters.class})
final class ClustersCommand {
    @ParentCommand
    Mysqlha root;

    @Command(name = "apply", description = "Validate specs and publish each to the clusters topic (a new version,"
            + " or nothing when it is unchanged).")
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-f", "--file"}, required = true, description = "a cluster spec in YAML (repeatable)")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            List<ClusterSpec> specs = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (Path f : files) {
                try {
                    specs.add(ClusterSpecYaml.load(f));
                } catch (InvalidSpecException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new CliException(String.join("\n", problems) + "\nnothing was applied", 2);
            }
            Mysqlha root = parent.root;
            var topics = new io.mysqlha.events.Topics(root.topicPrefix);
            var kafka = root.kafka();
            try (var producer = new KafkaProducer<>(kafka.config(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    (int) root.kafkaTimeout.toMillis())), new ByteArraySerializer(), new ByteArraySerializer());
                 var reader = new KafkaConsumer<>(kafka.config(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "mysqlha-cli")),
                         new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                var applier = new ClusterSpecApplier(topics, new EventSource("mysqlha-cli", user()), Clock.systemUTC());
                for (ClusterSpec s : specs) {
                    ClusterSpecApplier.Applied a;
                    try {
                        a = applier.apply(s, reader, producer, root.kafkaTimeout);
                    } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
                        throw new CliException("applying " + s.clusterId() + ": Kafka at " + kafka
                                + " did not take it (" + e.getMessage() + ")", 1);
                    }
                    spec.commandLine().getOut().println(a.clusterId() + ": spec version " + a.specVersion()
                            + (a.changed() ? " applied" : " unchanged"));
                }
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Every cluster with a spec: kind, nodes, spec version, writer, generation.")
    static final class ListClusters implements Callable<Integer> {
        @ParentCommand
        ClustersCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Fleet fleet = parent.root.fleet()) {
                var specs = fleet.latestPerCluster(Topic.CLUSTERS);
                var topologies = fleet.latestPerCluster(Topic.TOPOLOGY);
                Table t = new Table("CLUSTER", "KIND", "NODES", "SPEC", "WRITER", "GENERATION", "EPOCH");
                specs.keySet().stream().sorted().forEach(id -> {
                    ClusterSpecDefined d = (ClusterSpecDefined) specs.get(id);
                    TopologyChanged topo = topologies.get(id) instanceof TopologyChanged tc ? tc : null;
                    t.row(id, Mysqlha.shown(d.spec().kind()),
                            d.spec().nodes().size(), "v" + d.specVersion(),
                            topo == null ? null : topo.writers().isEmpty() ? "NONE" : String.join(",",
                                    topo.writers().stream().map(TopologyChanged.AssignedNode::nodeId).toList()),
                            topo == null ? null : topo.generation(), topo == null ? null : topo.epoch());
                });
                spec.commandLine().getOut().print(specs.isEmpty() ? "no clusters defined: apply a spec with"
                        + " 'mysqlha clusters apply -f spec.yaml'\n" : t.render());
                return 0;
            }
        }
    }

    static String user() {
        String u = System.getProperty("user.name", "operator").replaceAll("[^a-zA-Z0-9._-]", "_");
        return u.isEmpty() ? "operator" : u;
    }
}
