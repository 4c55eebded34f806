package io.mysqlha.gateway.session;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class KillTest {
    @Test
    void shouldReadTheKillFormsDriversAndPeopleSend() {
        assertEquals(new Kill(true, 1000000123L), Kill.parse("KILL QUERY 1000000123"));
        assertEquals(new Kill(true, 5), Kill.parse("kill query id 5;"));
        assertEquals(new Kill(false, 5), Kill.parse("KILL 5"));
        assertEquals(new Kill(false, 5), Kill.parse("  KILL CONNECTION 5 "));
        assertEquals(new Kill(true, 5), Kill.parse("KILL HARD QUERY 5"));
        assertNull(Kill.parse("KILL USER app"));
        assertNull(Kill.parse("SELECT 'KILL 5'"));
        assertNull(Kill.parse("KILL QUERY @id"));
    }

    @Test
    void shouldMeanTheOnlyHolderOrTheOneWhoseConnectionIdAnsweredElseRefuse() {
        assertNull(Kill.resolve(7, java.util.List.of()), "no session holds it: the KILL goes to the writer");
        assertEquals("a", Kill.resolve(7, java.util.List.of(new Kill.Holder<>("a", "n1:1", false))).session());
        assertEquals("a", Kill.resolve(7, java.util.List.of(new Kill.Holder<>("a", "n1:1", false),
                new Kill.Holder<>("a", "n2:2", false))).session(), "one session, its writer and reader");
        assertEquals("b", Kill.resolve(7, java.util.List.of(new Kill.Holder<>("a", "n1:1", false),
                new Kill.Holder<>("b", "n2:2", true))).session(), "the one whose CONNECTION_ID() it answered");
        Kill.Resolution<String> refused = Kill.resolve(7, java.util.List.of(new Kill.Holder<>("a", "n1:1", false),
                new Kill.Holder<>("b", "n2:2", false)));
        assertNull(refused.session());
        assertEquals("7 (held by sessions on n1:1 and n2:2; KILL by the id of the session's greeting instead)",
                refused.refusal());
    }
}
