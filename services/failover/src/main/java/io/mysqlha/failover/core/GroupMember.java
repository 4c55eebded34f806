package io.mysqlha.failover.core;

/**
 * What a member of a MySQL Group Replication group says of itself (performance_schema.replication_group_members).
 *
 * @param singlePrimary whether the group runs in single-primary mode (a switchover needs it)
 */
public record GroupMember(String uuid, String state, String role, boolean singlePrimary) {

    public boolean onlinePrimary() {
        return "ONLINE".equals(state) && "PRIMARY".equals(role);
    }

    public boolean onlineSecondary() {
        return "ONLINE".equals(state) && "SECONDARY".equals(role);
    }

    @Override
    public String toString() {
        return uuid + " " + state + " " + role;
    }
}
