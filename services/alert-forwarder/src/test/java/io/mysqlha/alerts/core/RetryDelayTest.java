package io.mysqlha.alerts.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetryDelayTest {
    private final RetryDelay delay = new RetryDelay(Duration.ofMillis(500), Duration.ofSeconds(30));

    @Test
    void shouldDoubleFromTheFirstUpToTheLongest() {
        assertEquals(Duration.ofMillis(500), delay.after(1));
        assertEquals(Duration.ofMillis(1000), delay.after(2));
        assertEquals(Duration.ofMillis(16_000), delay.after(6));
        assertEquals(Duration.ofSeconds(30), delay.after(7));
        assertEquals(Duration.ofSeconds(30), delay.after(1_000_000));
    }

    @Test
    void shouldRefuseALongestShorterThanTheFirst() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new RetryDelay(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertEquals("retry delays must be positive, the longest at least the first: 2000 ms, 1000 ms", e.getMessage());
    }
}
