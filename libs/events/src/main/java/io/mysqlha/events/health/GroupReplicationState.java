package io.mysqlha.events.health;

/** A Group Replication member, from performance_schema.replication_group_members and _member_stats. */
public record GroupReplicationState(String memberState, String memberRole, long transactionsBehind,
                                    boolean singlePrimaryMode, boolean viable) {
}
