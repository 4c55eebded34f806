package io.mysqlha.gateway.session;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class StatementCacheTest {
    private static final List<String> NONE = List.of();
    private static final List<String> UTC = List.of("SET time_zone = '+00:00'");

    /**
     * Steps on a cache of at most 3: "put KEY ID", "get KEY" (touches it); then what is cached (key=id, the one used
     * longest ago first) and which ids were retired, in order.
     */
    static Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return Stream.of(
                arguments("a statement prepared once is found", List.of("put a 1", "get a"), "a=1", List.of()),
                arguments("the bound retires the one used longest ago", List.of("put a 1", "put b 2", "put c 3",
                        "put d 4"), "b=2 c=3 d=4", List.of(1)),
                arguments("a use keeps a statement", List.of("put a 1", "put b 2", "put c 3", "get a", "put d 4"),
                        "c=3 a=1 d=4", List.of(2)),
                arguments("the same text prepared again replaces it", List.of("put a 1", "put a 2"), "a=2",
                        List.of(1)),
                arguments("the node giving the same id again retires nothing", List.of("put a 1", "put a 1"), "a=1",
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void keepsTheStatementsUsedLastAndRetiresTheRest(String name, List<String> steps, String cached,
                                                     List<Integer> retired) {
        StatementCache cache = new StatementCache(3);
        List<String> keys = new ArrayList<>();
        for (String step : steps) {
            String[] w = step.split(" ");
            if (w[0].equals("put")) {
                cache.put(w[1], Integer.parseInt(w[2]), NONE);
                keys.remove(w[1]);
                keys.add(w[1]);
            } else {
                assertTrue(cache.get(w[1], NONE) != null, step);
                keys.remove(w[1]);
                keys.add(w[1]);
            }
        }
        List<String> found = new ArrayList<>();
        for (String k : keys) {
            StatementCache.Entry e = cache.get(k, NONE);
            if (e != null) {
                found.add(k + "=" + e.id);
            }
        }
        assertEquals(cached, String.join(" ", found));
        assertEquals(retired, cache.takeRetired());
        assertEquals(List.of(), cache.takeRetired(), "each retired id is handed out once");
    }

    @Test
    void aStatementIsFoundOnlyInTheSchemaAndStateItWasPreparedIn() {
        StatementCache cache = new StatementCache(20);
        cache.put(StatementCache.key("shop", "SELECT * FROM t"), 1, NONE);
        assertEquals(1, cache.get(StatementCache.key("shop", "SELECT * FROM t"), NONE).id);
        assertNull(cache.get(StatementCache.key("crm", "SELECT * FROM t"), NONE), "another schema's t");
        assertNull(cache.get(StatementCache.key("shop", "SELECT * FROM t"), UTC), "prepared in another state");
        cache.clear();
        assertNull(cache.get(StatementCache.key("shop", "SELECT * FROM t"), NONE), "COM_RESET_CONNECTION");
        assertEquals(List.of(), cache.takeRetired(), "the node closed them itself");
    }

    @Test
    void typesAreSentOnlyWhenTheNodeLastGotOthers() {
        StatementCache.Entry e = new StatementCache(20).put("a", 1, NONE);
        byte[] longType = {3, 0};
        byte[] varchar = {0x0f, 0};
        assertTrue(StatementCache.needsTypes(e, longType), "none yet");
        assertFalse(StatementCache.needsTypes(e, longType.clone()), "the same types");
        assertTrue(StatementCache.needsTypes(e, varchar), "another session bound others");
        assertFalse(StatementCache.needsTypes(e, null), "the session never sent any: nothing to send");
    }
}
