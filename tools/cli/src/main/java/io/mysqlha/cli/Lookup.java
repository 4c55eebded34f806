package io.mysqlha.cli;

import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.Event;
import io.mysqlha.events.Topic;

import java.util.Map;

/** Finds a cluster's spec, or says which clusters there are. */
final class Lookup {
    private Lookup() {
    }

    static ClusterSpecDefined spec(Fleet fleet, String clusterId) {
        Map<String, Event> specs = fleet.latestPerCluster(Topic.CLUSTERS);
        if (specs.get(clusterId) instanceof ClusterSpecDefined d) {
            return d;
        }
        throw new CliException("no cluster '" + clusterId + "'" + (specs.isEmpty() ? " (no cluster is defined on "
                + fleet.topics().name(Topic.CLUSTERS) + ")" : "; defined: " + specs.keySet().stream().sorted()
                .toList()), 2);
    }
}
