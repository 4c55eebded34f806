package io.mysqlha.events;

/**
 * An immutable fact one service published. Every event names its cluster in the header, and that cluster
 * id is the Kafka key, so one cluster's events keep their order on one partition.
 */
public sealed interface Event permits ClusterSpecDefined, NodeHealthObserved, TopologyChanged, FailoverStarted,
        FailoverStepCompleted, FailoverCompleted, FailoverFailed, FailureAnalyzed, SwitchoverRequested,
        RecoveryBlockAcknowledged, BackupStarted,
        BackupCompleted, BackupFailed, BackupVerified, BinlogSegmentArchived, AlertRaised, AlertResolved {

    EventHeader header();

    default String clusterId() {
        return header().clusterId();
    }
}
