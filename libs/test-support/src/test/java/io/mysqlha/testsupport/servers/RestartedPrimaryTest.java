package io.mysqlha.testsupport.servers;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestartedPrimaryTest {

    @Test
    void beforeAnyFailoverTheOneNodeWithoutReplicationIsThePrimary() {
        assertEquals(Optional.of("node1"), RestartedPrimary.choose(Map.of("node1", 0L, "node2", 0L, "node3", 0L),
                Set.of("node1")));
    }

    @Test
    void anOldPrimaryAloneWithAnOlderEpochStaysFenced() {
        // failover promoted node2 (epoch 1); node1, killed, restarted replicating from nobody at epoch 0
        assertEquals(Optional.of("node2"), RestartedPrimary.choose(Map.of("node1", 0L, "node2", 1L, "node3", 1L),
                Set.of("node1", "node2")));
    }

    @Test
    void noneOrSeveralCandidatesMakeNobodyWritable() {
        assertEquals(Optional.empty(), RestartedPrimary.choose(Map.of("node1", 1L, "node2", 1L), Set.of("node1",
                "node2")));
        assertEquals(Optional.empty(), RestartedPrimary.choose(Map.of("node1", 0L, "node2", 1L), Set.of("node1")));
        assertEquals(Optional.empty(), RestartedPrimary.choose(Map.of("node1", 0L), Set.of()));
    }
}
