package io.mysqlha.gateway.split;

import java.util.ArrayList;
import java.util.List;

/**
 * Global causal reads (MaxScale's "universal"): a read may go to a reader only once that reader applied the writer's
 * position as of the moment the read arrived. Reading that position is one statement on the writer; this shares it
 * between the reads of every session of a listener. A read cannot use a round already in flight (its position may
 * have been read before the read arrived): it starts one of its own while fewer than {@code inFlight} rounds are
 * under way, else it joins the one round that waits to start, which the first of its reads leads once a round
 * answers. Each round is answered once: by its leader, or with null by its leader's deadline (its connection died),
 * and then the writer answers its reads. Thread-safe; the callbacks run on the caller's thread, and sessions hop to
 * their own event loop.
 */
public final class WriterPosition {
    /** A read waiting for the writer's position. */
    public interface Waiter {
        /** This waiter reads the position for its round now, then calls {@link #answered} (or its deadline does). */
        void leads(Round round);

        /** The position (null when it could not be read: the writer answers the read). */
        void position(String gtid);
    }

    /** One read of the writer's position and the reads waiting for it. */
    public static final class Round {
        private final List<Waiter> waiters = new ArrayList<>();
        private boolean done;
    }

    private final int inFlight;
    private final List<Round> running = new ArrayList<>();
    private Round next;
    private long rounds;

    /** @param inFlight how many reads of the position may be under way at once (1: as few as possible) */
    public WriterPosition(int inFlight) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be at least 1, not " + inFlight);
        }
        this.inFlight = inFlight;
    }

    /** A read arrived: the waiter either leads a round now or hears the position of a round started after now. */
    public void await(Waiter w) {
        Round lead = null;
        synchronized (this) {
            if (next != null) {
                next.waiters.add(w);
            } else if (running.size() < inFlight) {
                lead = start(new Round());
                lead.waiters.add(w);
            } else {
                next = new Round();
                next.waiters.add(w);
            }
        }
        if (lead != null) {
            w.leads(lead);
        }
    }

    private Round start(Round r) {
        running.add(r);
        rounds++;
        return r;
    }

    /**
     * The leader of {@code round} read the position (null: it could not, or its deadline came first): its waiters
     * hear it, and the round waiting to start starts. A round is answered once; later answers are ignored.
     */
    public void answered(Round round, String gtid) {
        Round started = null;
        List<Waiter> told;
        synchronized (this) {
            if (round.done) {
                return;
            }
            round.done = true;
            running.remove(round);
            told = List.copyOf(round.waiters);
            if (next != null && running.size() < inFlight) {
                started = start(next);
                next = null;
            }
        }
        told.forEach(w -> w.position(gtid));
        if (started != null) {
            started.waiters.getFirst().leads(started);
        }
    }

    /** How many reads of the position were started (for metrics and the bench: reads per round). */
    public synchronized long rounds() {
        return rounds;
    }
}
