package io.mysqlha.events;

import java.util.Map;

/**
 * Published when a cluster's analysis changes (not every round), so the decision log shows what the failover
 * service saw before it acted, or why it did not act.
 *
 * @param problem  VTOrc's name for it: DeadPrimary, UnreachablePrimary, ReplicaIsWritable, NoProblem...
 * @param nodeId   the node concerned (the primary for the primary's problems), null for the cluster
 * @param action   what failover does about it: a recovery's name, or "none" with the reason in {@code detail}
 * @param detail   the reasoning in one sentence
 * @param inputs   the facts the analysis used, per node (reachability, failed probes in a row, IO thread...)
 */
@EventDoc("The failover service's analysis of a cluster changed: a named problem, the inputs it used, and"
        + " what it does about it.")
public record FailureAnalyzed(EventHeader header, String problem, String nodeId, String action, String detail,
                              Map<String, String> inputs) implements Event {
    public FailureAnalyzed {
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
    }
}
