package io.mysqlha.failover.io;

import io.mysqlha.failover.core.GroupMember;
import io.mysqlha.service.sql.NodeSql;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Group Replication's SQL, MySQL's alone and its one home in the failover service: what a member says of itself,
 * and how the group is asked to make another member its primary.
 */
final class GroupMembers {
    private GroupMembers() {
    }

    /** The member the connection is on; empty when it is not in a group (or not a MySQL with the plugin). */
    static Optional<GroupMember> of(NodeSql sql) {
        List<Map<String, String>> self = sql.rows("SELECT MEMBER_ID, MEMBER_STATE, MEMBER_ROLE FROM"
                + " performance_schema.replication_group_members WHERE MEMBER_ID = @@server_uuid");
        if (self.isEmpty() || self.getFirst().get("MEMBER_STATE") == null) {
            return Optional.empty();
        }
        boolean single = sql.rows("SHOW GLOBAL VARIABLES LIKE 'group_replication_single_primary_mode'").stream()
                .findFirst().map(r -> "ON".equalsIgnoreCase(r.get("Value"))).orElse(false);
        Map<String, String> m = self.getFirst();
        return Optional.of(new GroupMember(m.get("MEMBER_ID"), m.get("MEMBER_STATE"), m.get("MEMBER_ROLE"), single));
    }

    /**
     * Asks the group to make {@code member} its primary: the group lets the old primary's transactions run up to
     * {@code runningTransactionsSeconds} (1 to 3600 on MySQL 9.x; the drain before it let them finish already), then
     * disconnects their sessions, and elects the member. Returns the group's answer.
     */
    static String makePrimary(NodeSql anyMember, GroupMember member, int runningTransactionsSeconds,
                              java.time.Duration patience) {
        return anyMember.value("SELECT group_replication_set_as_primary('" + member.uuid().replace("'", "") + "', "
                + runningTransactionsSeconds + ")", patience).orElse("");
    }
}
