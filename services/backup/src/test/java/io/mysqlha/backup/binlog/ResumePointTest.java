package io.mysqlha.backup.binlog;

import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumePointTest {
    private static final List<String> FILES = List.of("mysql-bin.000003", "mysql-bin.000004", "mysql-bin.000005");
    private static final Map<String, String> STARTS = Map.of("mysql-bin.000003", "0-1-100", "mysql-bin.000004",
            "0-1-200", "mysql-bin.000005", "0-2-300");

    private static ResumePoint.Choice choose(String reached, List<String> asked) {
        return ResumePoint.choose(FILES, MariaDbGtidPosition.parse(reached), f -> {
            asked.add(f);
            return MariaDbGtidPosition.parse(STARTS.get(f));
        });
    }

    @Test
    void startsAtTheNewestFileThatBeginsAtOrBeforeTheFirstMissingTransaction() {
        List<String> asked = new ArrayList<>();
        ResumePoint.Choice mid = choose("0-1-250", asked);
        assertEquals("mysql-bin.000004", mid.file());
        assertNull(mid.gap());
        assertEquals(List.of("mysql-bin.000005", "mysql-bin.000004"), asked, "newest first, no further than needed");
        assertEquals("mysql-bin.000005", choose("0-1-300", new ArrayList<>()).file(), "the new writer's file");
        assertEquals("mysql-bin.000003", choose("0-1-100", new ArrayList<>()).file());
    }

    @Test
    void anEmptyArchiveStartsAtTheOldestFileAndAPurgedOneIsAGap() {
        List<String> asked = new ArrayList<>();
        assertEquals("mysql-bin.000003", choose("", asked).file());
        assertEquals(List.of(), asked);
        ResumePoint.Choice gap = choose("0-1-50", new ArrayList<>());
        assertEquals("mysql-bin.000003", gap.file());
        assertTrue(gap.gap().contains("reached 0-1-50 but the writer's oldest binlog mysql-bin.000003 starts after"
                + " 0-1-100"), gap.gap());
        assertThrows(IllegalArgumentException.class, () -> ResumePoint.choose(List.of(),
                MariaDbGtidPosition.parse(""), f -> null));
    }
}
