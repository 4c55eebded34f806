package io.mysqlha.testsupport;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.SampleEvents;
import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.ClusterSpecApplier;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ClusterSpecApplierIT {
    private final java.util.List<AutoCloseable> readers = new java.util.ArrayList<>();

    /** The applier reads with a consumer it does not own; each is closed after the test. */
    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> reader() {
        var c = KafkaBrokerIT.consumer(SharedInfra.kafka(), "applier-" + UUID.randomUUID());
        readers.add(c);
        return c;
    }

    @org.junit.jupiter.api.AfterEach
    void closeReaders() throws Exception {
        for (AutoCloseable c : readers) {
            c.close();
        }
    }

    @Test
    void shouldVersionChangedSpecsAndIgnoreAReapplyOfTheSameOne() throws Exception {
        var kafka = SharedInfra.kafka();
        var applier = new ClusterSpecApplier(Topics.defaults(), new EventSource("test", "it"), Clock.systemUTC());
        String id = "apply-" + UUID.randomUUID().toString().substring(0, 8);
        ClusterSpec spec = SampleEvents.spec(id);
        ClusterSpec changed = new ClusterSpec(id, spec.kind(), spec.nodes(), new RoutingPolicy(1, 0, null, 5000L, null),
                null, spec.listeners(), null, null, null);
        Duration timeout = Duration.ofSeconds(30);
        try (var producer = KafkaBrokerIT.producer(kafka)) {
            var first = applier.apply(spec, reader(), producer, timeout);
            var again = applier.apply(spec, reader(), producer, timeout);
            var third = applier.apply(changed, reader(), producer, timeout);
            assertEquals(new ClusterSpecApplier.Applied(id, 1, true), first);
            assertEquals(new ClusterSpecApplier.Applied(id, 1, false), again);
            assertEquals(new ClusterSpecApplier.Applied(id, 2, true), third);
            var latest = applier.latest(id, reader(), timeout).orElseThrow();
            assertEquals(changed, latest.spec());
            assertEquals(2, latest.specVersion());
            assertFalse(applier.latest("no-such-cluster", reader(), timeout).isPresent());
        }
    }
}
