package io.mysqlha.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void shouldRoundTripEveryEventType() {
        Set<String> covered = SampleEvents.all("local").stream().map(e -> e.getClass().getSimpleName())
                .collect(Collectors.toSet());
        assertEquals(EventCodec.types().keySet(), covered, "SampleEvents must hold one event of every type");
        for (Event event : SampleEvents.all("local")) {
            DecodeResult result = codec.decode(codec.encode(event));
            assertEquals(new DecodeResult.Accepted(event), result, event.getClass().getSimpleName());
        }
    }

    @Test
    void shouldWriteTimesAsIsoTextAndTheTypeInTheHeader() {
        String json = new String(codec.encode(SampleEvents.all("local").get(0)), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"time\":\"2026-11-21T10:15:30.123456Z\""), json);
        assertTrue(json.contains("\"type\":\"ClusterSpecDefined\""), json);
    }

    @Test
    void shouldIgnoreFieldsAddedByANewerMinorVersion() throws Exception {
        Event event = SampleEvents.all("local").get(4);
        ObjectNode tree = (ObjectNode) EventCodec.mapper().readTree(codec.encode(event));
        tree.put("addedInMinor", 42);
        ((ObjectNode) tree.get("header")).put("schemaVersion", "1.7");
        DecodeResult result = codec.decode(EventCodec.mapper().writeValueAsBytes(tree));
        Event decoded = assertInstanceOf(DecodeResult.Accepted.class, result).event();
        assertEquals(((FailoverStarted) event).failoverId(), ((FailoverStarted) decoded).failoverId());
    }

    @Test
    void shouldRefuseANewerMajorVersionSayingWhatToDo() throws Exception {
        ObjectNode tree = (ObjectNode) EventCodec.mapper().readTree(codec.encode(SampleEvents.all("local").get(4)));
        ((ObjectNode) tree.get("header")).put("schemaVersion", "2.0");
        DecodeResult.Rejected rejected = assertInstanceOf(DecodeResult.Rejected.class,
                codec.decode(EventCodec.mapper().writeValueAsBytes(tree)));
        assertEquals("FailoverStarted has schema version 2.0, newer than this reader's 1.x: upgrade this service"
                + " to read it", rejected.reason());
    }

    @Test
    void shouldRefuseWhatIsNotAnEventWithAReason() {
        assertRejected("{not json", "not JSON");
        assertRejected("[1,2]", "no 'header' object");
        assertRejected("{\"header\":{\"type\":\"NodeExploded\",\"schemaVersion\":\"1.0\"}}",
                "unknown event type 'NodeExploded'");
        assertRejected("{\"header\":{\"type\":\"TopologyChanged\"}}", "no schemaVersion");
        assertRejected("{\"header\":{\"type\":\"TopologyChanged\",\"schemaVersion\":\"1.0\"},\"generation\":\"x\"}",
                "at generation");
        assertInstanceOf(DecodeResult.Rejected.class, codec.decode(null));
    }

    private void assertRejected(String json, String expected) {
        DecodeResult.Rejected rejected = assertInstanceOf(DecodeResult.Rejected.class,
                codec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(rejected.reason().contains(expected), rejected.reason());
    }
}
