package io.mysqlha.topology.core;

import io.mysqlha.events.Severity;

import java.util.ArrayList;
import java.util.List;

/**
 * Writer/reader assignment with ProxySQL's hostgroup semantics. Pure: the same state always gives the same answer.
 * Every node lands in exactly one of writers, backup writers, offline, or none of them (a plain reader), and the
 * reason it sits there is written down.
 */
public final class TopologyDeriver {

    private TopologyDeriver() {
    }

    public static Derivation derive(ClusterState s) {
        List<AlertCondition> conditions = new ArrayList<>();
        if (probeSilent(s)) {
            // Fail static: when nothing at all is observed the observer is what failed, not every node at once.
            conditions.add(new AlertCondition("ProbeSilent", Severity.CRITICAL, null, "no observation of any node of "
                    + s.spec().clusterId() + " for a while: is the health probe running? Routing is kept as it was"));
            return new Derivation(s.previous(), conditions);
        }
        Sets sets = new Sets();
        switch (s.spec().kind()) {
            case ASYNC, SEMI_SYNC -> ReplicationRules.derive(s, sets, conditions);
            case GALERA -> MultiWriterRules.galera(s, sets, conditions);
            case GROUP_REPLICATION -> MultiWriterRules.groupReplication(s, sets, conditions);
            case AURORA -> MultiWriterRules.aurora(s, sets, conditions);
        }
        conditions.addAll(Compatibility.conditions(s));
        if (sets.writers.isEmpty()) {
            conditions.add(new AlertCondition("ClusterHasNoWriter", Severity.CRITICAL, null,
                    s.spec().clusterId() + " has no writer: writes fail until one is back or promoted"));
        }
        return new Derivation(new Assignment(sets.writers, sets.readers, sets.backupWriters, sets.offline), conditions);
    }

    private static boolean probeSilent(ClusterState s) {
        // never observed counts as silent too: a cluster whose probe never reported is not a cluster of dead nodes
        return !s.spec().nodes().isEmpty() && s.spec().nodes().stream()
                .allMatch(n -> !s.track(n.id()).observed() || s.track(n.id()).stale());
    }
}
