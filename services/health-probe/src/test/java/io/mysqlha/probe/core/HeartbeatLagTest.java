package io.mysqlha.probe.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeartbeatLagTest {

    @ParameterizedTest(name = "seen {0} at {1}, written [{2}] -> {3} ms")
    @CsvSource(delimiter = '|', value = {
            // caught up with the latest write: no lag, whatever the write's age
            "3000000 | 3400000 | 2000000 2500000 3000000 | 0",
            // missing the write made at 2.5 s since then: 0.9 s
            "2000000 | 3400000 | 2000000 2500000 3000000 | 900",
            // missing everything the probe remembers: since the first write after what it has
            "1000000 | 3400000 | 2000000 2500000 3000000 | 1400",
            // after a probe restart nothing is remembered: age of what it has (pt-heartbeat's figure)
            "2000000 | 3400000 | '' | 1400",
    })
    void shouldMeasureHowLongTheReplicaHasMissedAHeartbeat(long seen, long now, String written, long expected) {
        TreeSet<Long> writes = new TreeSet<>();
        Arrays.stream(written.split(" ")).filter(s -> !s.isBlank()).map(Long::parseLong).forEach(writes::add);
        assertEquals(expected, HeartbeatLag.millis(seen, now, writes));
    }
}
