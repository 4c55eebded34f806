package io.mysqlha.events;

import io.mysqlha.domain.ClusterSpec;

/**
 * @param specVersion increases by one each time the operator applies a changed spec for the cluster
 * @param spec        the desired configuration; credentials appear only as secret names
 */
@EventDoc("An operator applied a cluster's desired configuration. The clusters topic is compacted: the"
        + " latest record per cluster is the fleet's configuration; a null value (tombstone) removes the cluster.")
public record ClusterSpecDefined(EventHeader header, long specVersion, ClusterSpec spec) implements Event {
}
