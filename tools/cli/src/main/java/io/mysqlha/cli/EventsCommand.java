package io.mysqlha.cli;

import io.mysqlha.events.Topic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mysqlha events tail}: the suite's events as they happen, one line each. */
@Command(name = "events", description = "The suite's events.", subcommands = EventsCommand.Tail.class)
final class EventsCommand {
    @ParentCommand
    Mysqlha root;

    @Command(name = "tail", description = "Print events as they are published, one line each, until Ctrl-C."
            + " Default topics: topology, failover, commands, alerts, backup, clusters (health is every probe: ask"
            + " for it with --topic health).")
    static final class Tail implements Callable<Integer> {
        @ParentCommand
        EventsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-t", "--topic"}, description = "a topic without its prefix: clusters, health, topology,"
                + " failover, commands, backup, alerts, dead-letter (repeatable)", converter = TopicConverter.class)
        List<Topic> topics;
        @Option(names = {"-c", "--cluster"}, description = "only this cluster's events")
        String cluster;
        @Option(names = "--since", converter = Mysqlha.DurationConverter.class,
                description = "start this long ago (e.g. 10m) instead of now")
        Duration since;
        @Option(names = {"-n", "--count"}, description = "stop after this many events")
        Integer count;

        @Override
        public Integer call() {
            List<Topic> chosen = topics == null || topics.isEmpty() ? List.of(Topic.TOPOLOGY, Topic.FAILOVER,
                    Topic.COMMANDS, Topic.ALERTS, Topic.BACKUP, Topic.CLUSTERS) : topics;
            PrintWriter out = spec.commandLine().getOut();
            int[] printed = {0};
            try (Fleet fleet = parent.root.fleet()) {
                fleet.follow(chosen, since == null ? null : Instant.now().minus(since), null,
                        () -> spec.commandLine().getErr().println("following " + String.join(", ",
                                chosen.stream().map(t -> fleet.topics().name(t)).toList())
                                + (cluster == null ? "" : " for " + cluster) + " (Ctrl-C stops)"), e -> {
                            if (cluster != null && !cluster.equals(e.header().clusterId())) {
                                return true;
                            }
                            out.println(EventLine.of(e));
                            printed[0]++;
                            return count == null || printed[0] < count;
                        });
                fleet.unreadable().forEach(u -> spec.commandLine().getErr().println("unreadable record " + u));
            }
            return 0;
        }
    }

    /** A topic by its suffix ("failover"), as the --topic option takes it. */
    static final class TopicConverter implements picocli.CommandLine.ITypeConverter<Topic> {
        @Override
        public Topic convert(String value) {
            for (Topic t : Topic.values()) {
                if (t.name().equalsIgnoreCase(value.replace('-', '_'))) {
                    return t;
                }
            }
            List<String> names = new ArrayList<>();
            for (Topic t : Topic.values()) {
                names.add(Mysqlha.shown(t));
            }
            throw new picocli.CommandLine.TypeConversionException("no topic '" + value + "'; the topics: " + names);
        }
    }
}
