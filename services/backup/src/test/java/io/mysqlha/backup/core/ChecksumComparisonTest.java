package io.mysqlha.backup.core;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChecksumComparisonTest {
    @Test
    void namesEveryMissingChangedAndExtraTable() {
        Map<String, Long> source = new TreeMap<>(Map.of("app.a", 1L, "app.b", 2L, "app.c", 3L));
        Map<String, Long> restored = new HashMap<>(Map.of("app.a", 1L, "app.b", 9L, "app.z", 4L));
        assertEquals(List.of("app.b checksum 9, source had 2", "app.c missing", "app.z not on the source"),
                ChecksumComparison.differences(source, restored));
        assertEquals(List.of(), ChecksumComparison.differences(source, source));
        Map<String, Long> nulls = new HashMap<>();
        nulls.put("app.v", null); // CHECKSUM TABLE gives NULL for a view-like table on both sides
        assertEquals(List.of(), ChecksumComparison.differences(nulls, nulls));
    }
}
