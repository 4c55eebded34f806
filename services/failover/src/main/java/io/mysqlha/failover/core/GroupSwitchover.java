package io.mysqlha.failover.core;

import java.util.Map;
import java.util.Optional;

/**
 * Which member of a Group Replication group a switchover hands the primary role from and to: from the member the
 * group names ONLINE PRIMARY now, to the requested node or else the first ONLINE SECONDARY in spec order; refused,
 * saying why, for a group without an answering primary, a multi-primary group, a target that already is the primary
 * or is not an ONLINE SECONDARY. Pure.
 */
public final class GroupSwitchover {
    private GroupSwitchover() {
    }

    public sealed interface Choice {
    }

    public record Chosen(String oldPrimary, String target) implements Choice {
    }

    public record Refused(String reason) implements Choice {
    }

    /**
     * @param members what each answering node says of itself, by node id, in spec order
     * @param wanted  the requested target, or null for any
     */
    public static Choice choose(String clusterId, Map<String, GroupMember> members, String wanted) {
        Optional<String> old = members.entrySet().stream().filter(e -> e.getValue().onlinePrimary())
                .map(Map.Entry::getKey).findFirst();
        if (old.isEmpty()) {
            return new Refused("no member of " + clusterId + " answers as the group's ONLINE PRIMARY (members: "
                    + members + ")");
        }
        if (!members.get(old.get()).singlePrimary()) {
            return new Refused(clusterId + " runs in multi-primary mode: every member writes, there is no primary to"
                    + " switch over");
        }
        if (old.get().equals(wanted)) {
            return new Refused(wanted + " already is the group's primary");
        }
        return members.entrySet().stream().filter(e -> !e.getKey().equals(old.get()))
                .filter(e -> wanted == null || e.getKey().equals(wanted))
                .filter(e -> e.getValue().onlineSecondary()).map(Map.Entry::getKey).findFirst()
                .<Choice>map(target -> new Chosen(old.get(), target))
                .orElseGet(() -> new Refused(wanted == null
                        ? "no ONLINE SECONDARY member of " + clusterId + " answers (members: " + members + ")"
                        : wanted + " is not an ONLINE SECONDARY of the group: " + Optional.ofNullable(
                                members.get(wanted)).map(GroupMember::toString).orElse("it does not answer as a member")));
    }
}
