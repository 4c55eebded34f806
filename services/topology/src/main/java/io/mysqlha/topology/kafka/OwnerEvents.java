package io.mysqlha.topology.kafka;

/** What the owner reports to the service around it (metrics). Called from the owner's thread. */
public interface OwnerEvents {
    /** A generation of this cluster is committed; {@code nanos} from the input that caused it to the commit. */
    void published(String clusterId, io.mysqlha.events.TopologyChanged topology, long nanos);

    /** The cluster's active alerts after a committed round (raised and not resolved). */
    default void alerts(String clusterId, java.util.Collection<io.mysqlha.topology.core.AlertCondition> active) {
    }

    /** A round of decisions could not be committed and will be decided again. */
    void publishFailed();

    /** This instance no longer owns the cluster. */
    void released(String clusterId);
}
