package io.mysqlha.testsupport.servers;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Which node of the launcher's restarted set was the primary (MariaDB's {@link ReplicationTopology} and
 * {@link MySqlTopology} alike). Every node restarts read-only from its config. The primary is the node that
 * replicates from nobody and carries the newest epoch failover wrote (mysqlha.epoch, replicated to its replicas):
 * an old primary that failover replaced also replicates from nobody, but from an older epoch, and must stay
 * read-only (failover fences and rejoins it). Before any failover every epoch is 0 and the one node without
 * replication is the primary.
 */
final class RestartedPrimary {
    private RestartedPrimary() {
    }

    /** The newest epoch failover wrote on the node, 0 before any failover. */
    static long epoch(Connection c) throws SQLException {
        boolean written = !Sql.value(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema ="
                + " 'mysqlha' AND table_name = 'epoch'").orElse("0").equals("0");
        return written ? Long.parseLong(Sql.value(c, "SELECT COALESCE(MAX(epoch), 0) FROM mysqlha.epoch").orElse("0"))
                : 0;
    }

    /**
     * @param epochs every node's epoch
     * @param alone  the nodes that replicate from nobody
     * @return the one node of {@code alone} with the newest epoch of all; empty when none or several
     */
    static <N> Optional<N> choose(Map<N, Long> epochs, java.util.Set<N> alone) {
        long newest = epochs.values().stream().mapToLong(Long::longValue).max().orElse(0);
        var candidates = alone.stream().filter(n -> epochs.getOrDefault(n, 0L) == newest).toList();
        return candidates.size() == 1 ? Optional.of(candidates.getFirst()) : Optional.empty();
    }
}
