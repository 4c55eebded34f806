package io.mysqlha.gateway.split;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Global causal reads (MaxScale's "universal"): a read may go to a reader only once that reader applied the writer's
 * position as of the moment the read arrived. Reading that position is one statement on the writer; this shares it
 * between the reads of every session of a listener. One read of the position is in flight at a time: the reads that
 * arrive meanwhile cannot use it (it may have been read before they arrived) and wait for the next round, which the
 * first of them leads once the current one answers. A round that never answers (its leader's connection died) is
 * given up after {@code staleAfterMs}: the next read leads a new one, and the waiters of the old one go to the writer
 * on their own deadlines. Thread-safe; the callbacks run on the caller's thread, and sessions hop to their own loop.
 */
public final class WriterPosition {
    /** A read waiting for the writer's position. */
    public interface Waiter {
        /** This waiter reads the position for its round, then calls {@link #answered}. */
        void leads(Round round);

        /** The position (null when it could not be read: the writer answers the read). */
        void position(String gtid);
    }

    /** One read of the writer's position and the reads waiting for it. */
    public static final class Round {
        private final List<Waiter> waiters = new ArrayList<>();
        private long startedAt;
    }

    private final LongSupplier clock;
    private final long staleAfterMs;
    private Round current;
    private Round next;
    private long rounds;

    public WriterPosition(LongSupplier millis, long staleAfterMs) {
        this.clock = millis;
        this.staleAfterMs = staleAfterMs;
    }

    /** A read arrived: the waiter either leads a round now or hears the position of the next round to answer. */
    public void await(Waiter w) {
        Round lead = null;
        synchronized (this) {
            long now = clock.getAsLong();
            if (current != null && now - current.startedAt > staleAfterMs) {
                current = null; // its leader never answered: its waiters time out to the writer
            }
            if (current == null) {
                current = next != null ? next : new Round();
                next = null;
                current.startedAt = now;
                current.waiters.add(w);
                lead = current;
                rounds++;
            } else {
                if (next == null) {
                    next = new Round();
                }
                next.waiters.add(w);
            }
        }
        if (lead != null) {
            w.leads(lead);
        }
    }

    /** The leader of {@code round} read the position (null: it could not): its waiters hear it; the next round starts. */
    public void answered(Round round, String gtid) {
        Round start = null;
        synchronized (this) {
            if (current == round) {
                current = null;
                if (next != null) {
                    start = next;
                    next = null;
                    current = start;
                    start.startedAt = clock.getAsLong();
                    rounds++;
                }
            }
        }
        round.waiters.forEach(w -> w.position(gtid));
        if (start != null) {
            start.waiters.getFirst().leads(start);
        }
    }

    /** How many reads of the position were started (for metrics and the bench: reads per round). */
    public synchronized long rounds() {
        return rounds;
    }
}
