package io.mysqlha.testsupport.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DrillsTest {
    @Test
    void shouldTakeTheMiddleOfAnOddCount() {
        assertEquals(1.03, Drills.median(List.of(1.05, 0.84, 1.03)));
    }

    @Test
    void shouldAverageTheTwoMiddleValuesOfAnEvenCount() {
        assertEquals(0.935, Drills.median(List.of(0.98, 0.88, 0.95, 0.92)), 1e-12);
    }

    @Test
    void shouldPrintTheMedianAndTheMaximum() {
        assertEquals("median 1087 ms, max 2118 ms",
                Drills.medianMax(List.of(2118.0, 1031.0, 1087.0, 1378.0, 1006.0), "ms"));
    }
}
