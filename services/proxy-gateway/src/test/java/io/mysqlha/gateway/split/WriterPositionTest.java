package io.mysqlha.gateway.split;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WriterPositionTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final WriterPosition positions = new WriterPosition(now::get, 1_000);

    /** A read that records what it was told. */
    private static final class Read implements WriterPosition.Waiter {
        final List<WriterPosition.Round> led = new ArrayList<>();
        final List<String> heard = new ArrayList<>();

        @Override
        public void leads(WriterPosition.Round round) {
            led.add(round);
        }

        @Override
        public void position(String gtid) {
            heard.add(gtid);
        }
    }

    @Test
    void shouldLetTheFirstReadLeadAndTellItThePosition() {
        Read a = new Read();
        positions.await(a);
        assertEquals(1, a.led.size());
        positions.answered(a.led.getFirst(), "0-1-5");
        assertEquals(List.of("0-1-5"), a.heard);
        assertEquals(1, positions.rounds());
    }

    @Test
    void shouldShareTheNextRoundBetweenReadsThatArriveWhileOneIsInFlight() {
        Read first = new Read();
        Read b = new Read();
        Read c = new Read();
        positions.await(first);
        positions.await(b); // the position in flight may predate these two: they wait for the next round
        positions.await(c);
        assertEquals(0, b.led.size() + c.led.size());
        positions.answered(first.led.getFirst(), "0-1-5");
        assertEquals(List.of("0-1-5"), first.heard);
        assertEquals(List.of(), b.heard, "not a position read before it arrived");
        assertEquals(1, b.led.size(), "the first waiter leads the next round");
        positions.answered(b.led.getFirst(), "0-1-7");
        assertEquals(List.of("0-1-7"), b.heard);
        assertEquals(List.of("0-1-7"), c.heard, "one read of the position for both");
        assertEquals(2, positions.rounds());
    }

    @Test
    void shouldTellEveryWaiterWhenThePositionCouldNotBeRead() {
        Read a = new Read();
        Read b = new Read();
        positions.await(a);
        positions.await(b);
        positions.answered(a.led.getFirst(), null);
        assertNull(a.heard.getFirst());
        positions.answered(b.led.getFirst(), null);
        assertNull(b.heard.getFirst());
    }

    @Test
    void shouldGiveUpARoundWhoseLeaderNeverAnswers() {
        Read lost = new Read();
        positions.await(lost);
        now.addAndGet(999);
        Read waiting = new Read();
        positions.await(waiting);
        assertEquals(0, waiting.led.size(), "still within the time a position read may take");
        now.addAndGet(2);
        Read late = new Read();
        positions.await(late);
        assertEquals(1, late.led.size(), "a new round, led by the next read");
        positions.answered(late.led.getFirst(), "0-1-9");
        assertEquals(List.of("0-1-9"), late.heard);
        assertEquals(List.of("0-1-9"), waiting.heard, "the waiters of the next round join the new one");
        positions.answered(lost.led.getFirst(), "0-1-8"); // an answer after all: told, and nothing else starts
        assertEquals(List.of("0-1-8"), lost.heard);
        assertEquals(2, positions.rounds());
    }
}
