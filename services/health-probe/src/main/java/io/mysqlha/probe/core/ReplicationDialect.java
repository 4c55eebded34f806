package io.mysqlha.probe.core;

import io.mysqlha.events.health.GtidState;
import io.mysqlha.events.health.ReplicationChannel;

import java.util.Map;
import java.util.Set;

/**
 * What differs by flavour in reading replication: the statement, column names, and GTID variables. One
 * implementation per flavour; callers never ask which flavour they have.
 */
public interface ReplicationDialect {

    /** The statement listing the node's replication channel(s). */
    String replicaStatusStatement();

    /** The GTID-related global variables to read. */
    Set<String> gtidVariables();

    GtidState gtid(Map<String, String> variables);

    /**
     * The channel from one status row. Throws {@link UnexpectedResultException} naming the column when a column
     * it cannot do without is missing.
     */
    ReplicationChannel channel(Map<String, String> row, Map<String, String> variables);
}
