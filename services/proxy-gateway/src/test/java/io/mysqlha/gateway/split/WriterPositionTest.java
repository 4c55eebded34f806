package io.mysqlha.gateway.split;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WriterPositionTest {

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
        WriterPosition positions = new WriterPosition(1);
        Read a = new Read();
        positions.await(a);
        assertEquals(1, a.led.size());
        positions.answered(a.led.getFirst(), "0-1-5");
        assertEquals(List.of("0-1-5"), a.heard);
        assertEquals(1, positions.rounds());
    }

    @Test
    void shouldShareTheNextRoundBetweenReadsThatArriveWhileOneIsInFlight() {
        WriterPosition positions = new WriterPosition(1);
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
    void shouldStartAsManyRoundsAsAllowedThenShareOne() {
        WriterPosition positions = new WriterPosition(2);
        Read a = new Read();
        Read b = new Read();
        Read c = new Read();
        Read d = new Read();
        positions.await(a);
        positions.await(b);
        positions.await(c);
        positions.await(d);
        assertEquals(List.of(1, 1, 0, 0), List.of(a.led.size(), b.led.size(), c.led.size(), d.led.size()),
                "two under way, the next two share the round that waits");
        positions.answered(b.led.getFirst(), "0-1-2");
        assertEquals(1, c.led.size(), "a slot is free: the waiting round starts");
        positions.answered(c.led.getFirst(), "0-1-3");
        assertEquals(List.of("0-1-3"), d.heard);
        positions.answered(a.led.getFirst(), "0-1-1");
        assertEquals(List.of("0-1-1"), a.heard);
        assertEquals(3, positions.rounds());
    }

    @Test
    void shouldTellEveryWaiterWhenThePositionCouldNotBeReadAndAnswerARoundOnce() {
        WriterPosition positions = new WriterPosition(1);
        Read a = new Read();
        Read b = new Read();
        positions.await(a);
        positions.await(b);
        positions.answered(a.led.getFirst(), null); // its deadline: the leader's connection died
        assertNull(a.heard.getFirst());
        positions.answered(a.led.getFirst(), "0-1-8"); // the answer after all: ignored
        assertEquals(1, a.heard.size());
        assertEquals(1, b.led.size(), "the next round started when the first was given up");
        positions.answered(b.led.getFirst(), "0-1-9");
        assertEquals(List.of("0-1-9"), b.heard);
    }

    @Test
    void shouldRefuseNoRoundsInFlight() {
        assertThrows(IllegalArgumentException.class, () -> new WriterPosition(0));
    }
}
