package io.mysqlha.probe.core;

import io.mysqlha.events.health.GroupReplicationState;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MySQL Group Replication, from performance_schema.replication_group_members joined with
 * replication_group_member_stats (see {@link #STATEMENT}). A member is viable when it is ONLINE and the ONLINE
 * members it sees are a majority of the group.
 */
public final class GroupReplicationReader {
    public static final Set<String> VARIABLES = Set.of("group_replication_group_name",
            "group_replication_single_primary_mode");
    public static final String STATEMENT = "SELECT m.MEMBER_ID, m.MEMBER_HOST, m.MEMBER_PORT, m.MEMBER_STATE,"
            + " m.MEMBER_ROLE, s.COUNT_TRANSACTIONS_IN_QUEUE, s.COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE"
            + " FROM performance_schema.replication_group_members m"
            + " LEFT JOIN performance_schema.replication_group_member_stats s USING (MEMBER_ID)";

    private GroupReplicationReader() {
    }

    public static boolean isMember(Map<String, String> vars) {
        return Values.text(vars.get("group_replication_group_name")) != null;
    }

    /** This node's membership, or null when it is not in the rows (not started, or just expelled). */
    public static GroupReplicationState read(Map<String, String> vars, List<Map<String, String>> members) {
        String self = vars.get("server_uuid");
        long online = members.stream().filter(m -> "ONLINE".equals(m.get("MEMBER_STATE"))).count();
        for (Map<String, String> m : members) {
            if (!m.get("MEMBER_ID").equals(self)) {
                continue;
            }
            String state = m.get("MEMBER_STATE");
            long behind = Values.numberOr(m.get("COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE"), 0)
                    + Values.numberOr(m.get("COUNT_TRANSACTIONS_IN_QUEUE"), 0);
            return new GroupReplicationState(state, m.get("MEMBER_ROLE"), behind,
                    Values.isTrue(vars.get("group_replication_single_primary_mode")),
                    "ONLINE".equals(state) && online * 2 > members.size());
        }
        return null;
    }
}
