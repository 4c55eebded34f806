package io.mysqlha.failover.core;

import java.util.Map;

/**
 * One problem found, about one node (the primary's problems name the primary), with the facts it was based on.
 *
 * @param inputs per node, what the analysis read (reachability, failed probes in a row, replication threads)
 */
public record Analysis(Problem problem, String nodeId, String detail, Map<String, String> inputs) {
    public Analysis {
        inputs = Map.copyOf(inputs);
    }

    /** Same problem about the same node: what decides whether an analysis is news. */
    public String key() {
        return problem + "/" + nodeId;
    }
}
