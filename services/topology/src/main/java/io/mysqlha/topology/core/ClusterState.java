package io.mysqlha.topology.core;

import io.mysqlha.domain.ClusterSpec;

import java.util.Map;

/** Everything one derivation looks at: the spec, each node's track, the latest epoch, the previous answer. */
public record ClusterState(ClusterSpec spec, Map<String, NodeTrack> tracks, FailoverEpoch epoch, Assignment previous) {
    public ClusterState {
        tracks = Map.copyOf(tracks);
    }

    public NodeTrack track(String nodeId) {
        return tracks.getOrDefault(nodeId, NodeTrack.unseen(nodeId));
    }
}
