package io.mysqlha.service.kafka;

import io.mysqlha.domain.ClusterSpec;

/** What the owner of a cluster does when it gains, changes or loses it. Called from the consumer's thread. */
public interface OwnershipListener {
    /** This instance now owns the cluster with this spec (first time, or a changed spec). */
    void own(ClusterSpec spec, long specVersion);

    /** This instance no longer owns the cluster (partition revoked, or the cluster was removed). */
    void release(String clusterId);
}
