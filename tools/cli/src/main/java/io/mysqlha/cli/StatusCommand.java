package io.mysqlha.cli;

import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Topic;
import io.mysqlha.events.TopologyChanged;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mysqlha status <cluster>}: roles, read_only, lag, GTID and the last probe of every node. */
@Command(name = "status", description = "A cluster's roles (writer, reader, backup-writer, offline), lag,"
        + " generation and epoch, from its latest topology and the last 30 s of probes.")
final class StatusCommand extends ClusterArgument implements Callable<Integer> {
    private static final Duration HEALTH_WINDOW = Duration.ofSeconds(30);

    @ParentCommand
    Mysqlha root;

    @Override
    public Integer call() {
        try (Fleet fleet = root.fleet()) {
            ClusterSpecDefined defined = Lookup.spec(fleet, clusterId);
            TopologyChanged topology = fleet.latestPerCluster(Topic.TOPOLOGY).get(clusterId) instanceof TopologyChanged t
                    ? t : null;
            Instant now = Instant.now();
            Map<String, NodeHealthObserved> health = new HashMap<>();
            for (var e : fleet.since(Topic.HEALTH, now.minus(HEALTH_WINDOW),
                    e -> e.header().clusterId().equals(clusterId))) {
                if (e instanceof NodeHealthObserved h) {
                    health.put(h.nodeId(), h);
                }
            }
            out().print(StatusView.render(defined.spec(), topology, health, now));
            return 0;
        }
    }
}
