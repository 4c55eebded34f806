package io.mysqlha.probe.core;

import io.mysqlha.domain.NodeSpec;

/** One node to probe, and the cluster it belongs to. */
public record ProbeTarget(String clusterId, NodeSpec node) {
    public String key() {
        return clusterId + "/" + node.id();
    }
}
