package io.mysqlha.events.kafka;

import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaAclsTest {
    private static final Topics TOPICS = Topics.defaults();

    @ParameterizedTest
    @EnumSource(KafkaAcls.Role.class)
    void onlyTheOperatorAndFailoverMayWriteCommandsAndOnlyTheOperatorSpecs(KafkaAcls.Role role) {
        List<String> written = KafkaAcls.bindings(role, TOPICS, null, "User:x").stream()
                .filter(b -> b.entry().operation() == AclOperation.WRITE
                        && b.pattern().resourceType() == ResourceType.TOPIC)
                .map(b -> b.pattern().name()).toList();
        assertEquals(role == KafkaAcls.Role.OPERATOR || role == KafkaAcls.Role.FAILOVER,
                written.contains(TOPICS.name(Topic.COMMANDS)), role + " writes " + written);
        assertEquals(role == KafkaAcls.Role.OPERATOR, written.contains(TOPICS.name(Topic.CLUSTERS)),
                role + " writes " + written);
    }

    @Test
    void topologyJoinsItsGroupAndWritesInTransactionsPrefixedByIt() {
        List<AclBinding> acls = KafkaAcls.bindings(KafkaAcls.Role.TOPOLOGY, new Topics("t."), "topo-1", "User:topo");
        assertTrue(acls.stream().anyMatch(b -> b.pattern().resourceType() == ResourceType.GROUP
                && b.pattern().name().equals("topo-1") && b.entry().operation() == AclOperation.READ));
        assertTrue(acls.stream().anyMatch(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID
                && b.pattern().name().equals("topo-1") && b.pattern().patternType() == PatternType.PREFIXED));
        assertTrue(acls.stream().allMatch(b -> b.entry().principal().equals("User:topo")));
        assertTrue(acls.stream().anyMatch(b -> b.pattern().name().equals("t.topology")));
    }

    @Test
    void theGatewayAndTheViewerWriteNothingAndJoinNoGroup() {
        for (KafkaAcls.Role r : List.of(KafkaAcls.Role.PROXY_GATEWAY, KafkaAcls.Role.VIEWER)) {
            assertTrue(KafkaAcls.bindings(r, TOPICS, null, "User:x").stream()
                    .allMatch(b -> b.entry().operation() == AclOperation.READ
                            && b.pattern().resourceType() == ResourceType.TOPIC), r.name());
        }
    }

    @Test
    void aBindingAsKafkasOwnToolTakesIt() {
        AclBinding tx = KafkaAcls.bindings(KafkaAcls.Role.TOPOLOGY, TOPICS, null, "User:topo").stream()
                .filter(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID).findFirst().orElseThrow();
        assertEquals("kafka-acls.sh --bootstrap-server $KAFKA --command-config admin.properties --add"
                + " --allow-principal User:topo --operation Write --transactional-id 'mysqlha-topology'"
                + " --resource-pattern-type prefixed", KafkaAcls.command(tx));
    }

    @Test
    void aRoleIsNamedAsTheServiceIs() {
        assertEquals(KafkaAcls.Role.HEALTH_PROBE, KafkaAcls.Role.of("health-probe"));
        var e = assertThrows(IllegalArgumentException.class, () -> KafkaAcls.Role.of("probe"));
        assertTrue(e.getMessage().startsWith("'probe' is not a part of the suite: one of health-probe, topology"),
                e.getMessage());
    }

    @Test
    void theSecurityDocumentShowsThisTable() throws Exception {
        Path doc = Path.of("../../docs/security.md");
        assertTrue(Files.exists(doc), doc.toAbsolutePath().toString());
        String table = KafkaAcls.table(TOPICS);
        assertFalse(table.isBlank());
        assertTrue(Files.readString(doc).contains(table), "docs/security.md shows KafkaAcls.table(defaults):\n" + table);
    }
}
