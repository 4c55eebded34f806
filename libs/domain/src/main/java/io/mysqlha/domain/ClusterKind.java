package io.mysqlha.domain;

/** How a cluster replicates, which decides how its writer and readers are derived. */
public enum ClusterKind {
    /** Asynchronous GTID replication: one primary, replicas. */
    ASYNC,
    /** Semi-synchronous GTID replication: as ASYNC, the primary waits for a replica's acknowledgement. */
    SEMI_SYNC,
    /** MariaDB Galera or Percona XtraDB Cluster: every Synced node in the primary component can write. */
    GALERA,
    /** MySQL Group Replication / InnoDB Cluster, single- or multi-primary. */
    GROUP_REPLICATION,
    /** Amazon Aurora MySQL: writer and readers read from replica_host_status. */
    AURORA;

    /** The spelling used in YAML specs and error messages. */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean usesPrimaryReplicaReplication() {
        return this == ASYNC || this == SEMI_SYNC;
    }
}
