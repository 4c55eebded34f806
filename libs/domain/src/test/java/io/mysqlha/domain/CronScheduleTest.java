package io.mysqlha.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CronScheduleTest {
    private static Instant next(String cron, String after) {
        return CronSchedule.parse(cron).next(Instant.parse(after), ZoneOffset.UTC);
    }

    @Test
    void firesAtTheNextMatchingMinuteStrictlyAfter() {
        assertEquals(Instant.parse("2026-12-03T03:00:00Z"), next("0 3 * * *", "2026-12-02T10:15:30Z"));
        assertEquals(Instant.parse("2026-12-04T03:00:00Z"), next("0 3 * * *", "2026-12-03T03:00:00Z"));
        assertEquals(Instant.parse("2026-12-02T10:16:00Z"), next("* * * * *", "2026-12-02T10:15:59Z"));
        assertEquals(Instant.parse("2026-12-02T10:30:00Z"), next("*/15 * * * *", "2026-12-02T10:15:00Z"));
        assertEquals(Instant.parse("2026-12-02T12:05:00Z"), next("5 12-14/2 * * *", "2026-12-02T10:15:00Z"));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), next("0 0 1 1 *", "2026-12-02T10:15:00Z"));
    }

    @Test
    void bothDayFieldsRestrictedMeansEither() {
        // 2026-12-02 is a Wednesday; the 15th or a Sunday (0 or 7), whichever comes first
        assertEquals(Instant.parse("2026-12-06T02:00:00Z"), next("0 2 15 * 0", "2026-12-02T10:00:00Z"));
        assertEquals(Instant.parse("2026-12-06T02:00:00Z"), next("0 2 * * 7", "2026-12-02T10:00:00Z"));
        assertEquals(Instant.parse("2026-12-04T02:00:00Z"), next("0 2 * * 1-5", "2026-12-03T10:00:00Z"));
        assertEquals(Instant.parse("2026-12-15T02:00:00Z"), next("0 2 15 * *", "2026-12-02T10:00:00Z"));
    }

    @Test
    void leapDaysAndZones() {
        assertEquals(Instant.parse("2028-02-29T00:00:00Z"), next("0 0 29 2 *", "2026-12-02T10:00:00Z"));
        Instant berlin = CronSchedule.parse("0 3 * * *").next(Instant.parse("2026-12-02T10:00:00Z"),
                ZoneId.of("Europe/Berlin"));
        assertEquals(Instant.parse("2026-12-03T02:00:00Z"), berlin);
        // 02:30 does not exist in Berlin on 2027-03-28: the next day's 02:30 is the next firing
        assertEquals(Instant.parse("2027-03-29T00:30:00Z"), CronSchedule.parse("30 2 * * *")
                .next(Instant.parse("2027-03-27T12:00:00Z"), ZoneId.of("Europe/Berlin")));
    }

    @Test
    void refusesWhatCronSyntaxRefusesAndSaysWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 25 * * *"));
        assertTrue(e.getMessage().contains("hour field '25'"), e.getMessage());
        IllegalStateException never = assertThrows(IllegalStateException.class,
                () -> next("0 0 31 2 *", "2026-12-02T10:00:00Z"));
        assertTrue(never.getMessage().contains("never fires"), never.getMessage());
    }
}
