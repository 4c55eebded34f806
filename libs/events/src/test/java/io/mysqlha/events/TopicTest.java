package io.mysqlha.events;

import io.mysqlha.events.kafka.TopicProvisioner;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicTest {

    @Test
    void shouldPutEveryEventTypeOnExactlyOneTopic() {
        for (Class<?> type : Event.class.getPermittedSubclasses()) {
            long topics = Arrays.stream(Topic.values()).filter(t -> t.events().contains(type)).count();
            assertEquals(1, topics, type.getSimpleName());
        }
    }

    @Test
    void shouldPrefixNames() {
        assertEquals("mysqlha.topology", Topics.defaults().name(Topic.TOPOLOGY));
        assertEquals("staging.mysqlha.dead-letter", new Topics("staging.mysqlha.").name(Topic.DEAD_LETTER));
        assertEquals("mysqlha.alerts", Topics.defaults().nameFor(SampleEvents.all("c").getLast()));
        assertThrows(IllegalArgumentException.class, () -> new Topics("bad prefix/"));
    }

    @Test
    void shouldCompactTheStateTopicsAndKeepTheAuditLog() {
        assertEquals(List.of(Topic.CLUSTERS, Topic.TOPOLOGY),
                Arrays.stream(Topic.values()).filter(Topic::compacted).toList());
        assertEquals(Long.toString(90L * 24 * 3600 * 1000), TopicProvisioner.configs(Topic.FAILOVER).get("retention.ms"));
        assertEquals("compact", TopicProvisioner.configs(Topic.CLUSTERS).get("cleanup.policy"));
    }
}
