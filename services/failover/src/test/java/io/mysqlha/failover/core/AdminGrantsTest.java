package io.mysqlha.failover.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminGrantsTest {
    private static final List<AdminGrants.Requirement> REQUIRED = List.of(
            AdminGrants.Requirement.global("fencing", "SYSTEM_VARIABLES_ADMIN", "SUPER"),
            AdminGrants.Requirement.global("re-pointing", "REPLICATION_SLAVE_ADMIN", "SUPER"),
            AdminGrants.Requirement.global("the drain", "PROCESS"),
            AdminGrants.Requirement.schema("the epoch", "INSERT"));

    @Test
    void mysqlStaticAndDynamicPrivilegesAreBothRead() {
        AdminGrants g = AdminGrants.parse(List.of(
                "GRANT USAGE, PROCESS, REPLICATION CLIENT ON *.* TO `admin`@`127.0.0.1`",
                "GRANT REPLICATION_SLAVE_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `admin`@`127.0.0.1`",
                "GRANT SELECT, INSERT ON `mysqlha`.* TO `admin`@`127.0.0.1`",
                "GRANT SELECT (id) ON `app`.`t` TO `admin`@`127.0.0.1`"));
        assertEquals(List.of(), g.missing(REQUIRED));
        assertTrue(g.global().contains("REPLICATION CLIENT"));
    }

    @Test
    void allPrivilegesAndSuperCoverWhatTheyCover() {
        assertEquals(List.of(), AdminGrants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `admin`@`%` IDENTIFIED BY"
                + " PASSWORD '*0123' WITH GRANT OPTION")).missing(REQUIRED));
        AdminGrants superOnly = AdminGrants.parse(List.of("GRANT SUPER ON *.* TO 'admin'@'%'"));
        assertEquals(List.of("the drain", "the epoch"), superOnly.missing(REQUIRED).stream()
                .map(AdminGrants.Requirement::purpose).toList());
    }

    @Test
    void whatIsMissingIsNamedWithTheGrantThatFixesIt() {
        AdminGrants g = AdminGrants.parse(List.of("GRANT PROCESS ON *.* TO `admin`@`%`"));
        assertEquals(Optional.of("node2: the admin account 'admin'@'%' lacks what failover needs there:"
                        + " SYSTEM_VARIABLES_ADMIN or SUPER on *.* for fencing; REPLICATION_SLAVE_ADMIN or SUPER on *.*"
                        + " for re-pointing; INSERT on mysqlha.* for the epoch. Run on node2: GRANT"
                        + " SYSTEM_VARIABLES_ADMIN, REPLICATION_SLAVE_ADMIN ON *.* TO 'admin'@'%'; GRANT INSERT ON"
                        + " mysqlha.* TO 'admin'@'%';"),
                g.advice("node2", "'admin'@'%'", g.missing(REQUIRED)));
        assertEquals(Optional.empty(), g.advice("node2", "'admin'@'%'", List.of()));
    }

    @Test
    void rolesAreMentionedBecauseTheirPrivilegesAreNotListed() {
        AdminGrants g = AdminGrants.parse(List.of("GRANT USAGE ON *.* TO `admin`@`%`", "GRANT `dba`@`%` TO `admin`@`%`"));
        assertTrue(g.roles());
        assertTrue(g.advice("n1", "'admin'@'%'", g.missing(REQUIRED)).orElseThrow()
                .endsWith("(it also holds roles, whose privileges SHOW GRANTS does not list: if one of them grants"
                        + " these, make it a default role)"));
    }

    @Test
    void aSchemaGrantOfAllPrivilegesCoversTheEpochButNothingGlobal() {
        AdminGrants g = AdminGrants.parse(List.of("GRANT ALL PRIVILEGES ON `mysqlha`.* TO `admin`@`%`"));
        assertEquals(List.of("fencing", "re-pointing", "the drain"), g.missing(REQUIRED).stream()
                .map(AdminGrants.Requirement::purpose).toList());
    }
}
