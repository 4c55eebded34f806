package io.mysqlha.failover.core;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupSwitchoverTest {
    private static GroupMember m(String state, String role, boolean single) {
        return new GroupMember("uuid-" + role, state, role, single);
    }

    private static Map<String, GroupMember> group(GroupMember g1, GroupMember g2, GroupMember g3) {
        Map<String, GroupMember> m = new LinkedHashMap<>();
        m.put("g1", g1);
        m.put("g2", g2);
        m.put("g3", g3);
        return m;
    }

    @Test
    void handsThePrimaryRoleFromTheGroupsPrimaryToTheTargetOrTheFirstOnlineSecondary() {
        Map<String, GroupMember> members = group(m("RECOVERING", "SECONDARY", true), m("ONLINE", "PRIMARY", true),
                m("ONLINE", "SECONDARY", true));
        assertEquals(new GroupSwitchover.Chosen("g2", "g3"), GroupSwitchover.choose("c", members, null),
                "g1 is recovering: the first ONLINE SECONDARY");
        assertEquals(new GroupSwitchover.Chosen("g2", "g3"), GroupSwitchover.choose("c", members, "g3"));
    }

    @Test
    void refusesSayingWhy() {
        Map<String, GroupMember> members = group(m("ONLINE", "PRIMARY", true), m("RECOVERING", "SECONDARY", true),
                m("ONLINE", "SECONDARY", true));
        assertTrue(reason(members, "g1").contains("g1 already is the group's primary"));
        assertTrue(reason(members, "g2").contains("g2 is not an ONLINE SECONDARY of the group"));
        assertTrue(reason(members, "g9").contains("g9 is not an ONLINE SECONDARY of the group: it does not answer"));
        assertTrue(reason(group(m("ONLINE", "PRIMARY", false), m("ONLINE", "PRIMARY", false),
                m("ONLINE", "PRIMARY", false)), null).contains("multi-primary"));
        assertTrue(reason(group(m("UNREACHABLE", "PRIMARY", true), m("ONLINE", "SECONDARY", true),
                m("ONLINE", "SECONDARY", true)), null).contains("no member of c answers as the group's ONLINE PRIMARY"));
    }

    private static String reason(Map<String, GroupMember> members, String wanted) {
        return assertInstanceOf(GroupSwitchover.Refused.class, GroupSwitchover.choose("c", members, wanted)).reason();
    }
}
