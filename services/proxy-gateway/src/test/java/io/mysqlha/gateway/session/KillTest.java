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
}
