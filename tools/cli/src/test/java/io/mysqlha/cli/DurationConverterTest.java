package io.mysqlha.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationConverterTest {
    private final Mysqlha.DurationConverter converter = new Mysqlha.DurationConverter();

    @Test
    void shouldReadShortAndIsoDurations() {
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(10), converter.convert("10s"));
        assertEquals(Duration.ofMinutes(5), converter.convert("5m"));
        assertEquals(Duration.ofHours(2), converter.convert("2h"));
        assertEquals(Duration.ofSeconds(90), converter.convert("PT1M30S"));
    }

    @Test
    void shouldSayWhatADurationLooksLike() {
        var e = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("ten"));
        assertEquals("'ten' is not a duration: use e.g. 500ms, 10s, 5m, 2h, 1d", e.getMessage());
    }
}
