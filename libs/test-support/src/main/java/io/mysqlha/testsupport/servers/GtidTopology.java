package io.mysqlha.testsupport.servers;

import io.mysqlha.domain.ClusterSpec;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A primary and its replicas replicating by GTID, of either flavour ({@link ReplicationTopology} on MariaDB,
 * {@link MySqlTopology} on MySQL): what a scenario needs to run the same on both, with what differs between the
 * flavours answered here rather than in the tests.
 */
public interface GtidTopology extends AutoCloseable {
    /** "MariaDB 10.11", "MySQL 9.7": for test names. */
    String flavourName();

    ServerNode primary();

    List<? extends ServerNode> replicas();

    List<? extends ServerNode> nodes();

    default ServerNode node(String name) {
        return nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }

    DbUsers users();

    ClusterSpec spec(String clusterId);

    /** Starts a stopped (or killed) node again and resumes its replication, if it had any. */
    void restart(ServerNode node);

    /** Waits until every running replica has applied everything the primary has. */
    void awaitReplicated(Duration timeout);

    /** The GTIDs a node has written to its binlog, in the flavour's notation. */
    String executedGtids(Connection c) throws SQLException;

    /** A replica's replication threads and the port of its source. */
    record ReplicaState(boolean ioRunning, boolean sqlRunning, int sourcePort) {
        public boolean replicatingFrom(ServerNode source) {
            return ioRunning && sqlRunning && sourcePort == source.port();
        }
    }

    /** How a node replicates (empty when it replicates from nobody). */
    java.util.Optional<ReplicaState> replicaState(Connection c) throws SQLException;

    /** A standalone server of the same flavour (a restore target), not started; the caller stops it. */
    ServerNode standalone(String name, int port, int serverId, Path dir);

    /** The statements that create the test accounts on a standalone server. */
    List<String> accountStatements();

    @Override
    void close();
}
