package io.mysqlha.backup.core;

import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.TopologyChanged.AssignedNode;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which node a dump reads from, from the cluster's current topology: a reader that is not a writer and lags no
 * more than the limit; the least lagging first, then the one taking the smallest share of reads (lowest weight),
 * then by id. The writer only when the policy allows it and no replica qualifies. Pure.
 */
public final class SourceChooser {
    private SourceChooser() {
    }

    /** The outcome. */
    public sealed interface Choice {
    }

    /** Dump from this node ({@code writer}: it is the writer, as the policy allowed). */
    public record Source(AssignedNode node, boolean writer) implements Choice {
    }

    /** No node may be dumped from, and why. */
    public record Refused(String reason) implements Choice {
    }

    /**
     * @param lagMs     replication lag per node id, where known (unknown lag does not disqualify: the topology's
     *                  readers are already within the cluster's lag limit)
     * @param maxLagMs  a replica lagging more is not a source (0: no limit)
     */
    public static Choice choose(TopologyChanged topology, Map<String, Long> lagMs, long maxLagMs,
                                boolean allowWriter) {
        if (topology == null) {
            return new Refused("no topology is known for the cluster yet");
        }
        Set<String> writers = topology.writers().stream().map(AssignedNode::nodeId).collect(Collectors.toSet());
        List<AssignedNode> candidates = topology.readers().stream()
                .filter(n -> !writers.contains(n.nodeId()))
                .filter(n -> maxLagMs <= 0 || lagMs.getOrDefault(n.nodeId(), 0L) <= maxLagMs)
                .sorted(Comparator.comparingLong((AssignedNode n) -> lagMs.getOrDefault(n.nodeId(), 0L))
                        .thenComparingInt(AssignedNode::weight).thenComparing(AssignedNode::nodeId))
                .toList();
        if (!candidates.isEmpty()) {
            return new Source(candidates.getFirst(), false);
        }
        String why = topology.readers().stream().anyMatch(n -> !writers.contains(n.nodeId()))
                ? "every replica lags more than " + maxLagMs + " ms"
                : "no replica is a reader now (offline: " + topology.offline().stream()
                .map(n -> n.nodeId() + " " + n.reason()).collect(Collectors.joining(", ")) + ")";
        if (allowWriter && !topology.writers().isEmpty()) {
            return new Source(topology.writers().getFirst(), true);
        }
        return new Refused(why + "; set backup.allow_writer_source: true to dump from the writer instead");
    }
}
