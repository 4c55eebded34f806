package io.mysqlha.gateway.split;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One session's causal reads: the GTID of its last write (from the writer's session tracking) against what its
 * reader is known to have applied. Before a read, {@link #beforeRead} says whether the reader may answer at once,
 * must first wait for that GTID (with which statement), or whether the writer answers this one because the reader
 * did not catch up in time; later reads of the same write then ask the reader again without waiting. Pure and
 * event-loop confined.
 */
public final class CausalReads {
    /** What to do with the next read. */
    public sealed interface Next {
    }

    /** The reader has the session's last write (or it wrote nothing): read there. */
    public record Read() implements Next {
    }

    /** Run {@code statement} on the reader first; its single value "0" means it applied the write. */
    public record Wait(String gtid, String statement, long timeoutMs) implements Next {
    }

    /** The reader did not catch up in time: the writer answers this read. */
    public record Writer() implements Next {
    }

    private static final Pattern GTID = Pattern.compile("[0-9A-Fa-f:,\\-]{1,4096}");
    private static final Read READ = new Read();
    private static final Writer WRITER = new Writer();

    private final long timeoutMs;
    private String lastWrite;
    private String readerHas;
    private String missed;
    private boolean missedNotSent;
    private boolean writerOnce;

    public CausalReads(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /**
     * What the next reads must see: the GTID of a write of this session (session causal reads), or the writer's
     * position when a read arrived (global). Empty: nothing (a writer that never wrote).
     */
    public void wrote(String gtid) {
        String g = gtid.replaceAll("\\s+", ""); // MySQL's gtid_executed breaks its lines after commas
        lastWrite = g.isEmpty() ? null : g;
    }

    /** The writer's position could not be learnt: the writer answers the next read. */
    public void writerOnce() {
        writerOnce = true;
    }

    /** The session reads from another reader now: nothing is known of what it applied. */
    public void readerChanged() {
        readerHas = null;
    }

    /** Whether the next read may go to the reader as it is (no wait first, not to the writer); decides nothing. */
    public boolean readsAtOnce() {
        return !writerOnce && (lastWrite == null || lastWrite.equals(readerHas));
    }

    public Next beforeRead(boolean mariaDb) {
        if (writerOnce) {
            writerOnce = false;
            return WRITER;
        }
        if (lastWrite == null || lastWrite.equals(readerHas)) {
            return READ;
        }
        if (missedNotSent && lastWrite.equals(missed) || !GTID.matcher(lastWrite).matches()) {
            missedNotSent = false; // a GTID the gateway will not put in a statement also goes to the writer
            return WRITER;
        }
        long wait = lastWrite.equals(missed) ? 0 : timeoutMs;
        String seconds = String.format(Locale.ROOT, "%.3f", wait / 1000.0);
        // MySQL's WAIT_FOR_EXECUTED_GTID_SET waits for ever with a timeout of 0 (measured on 9.7): not waiting at all
        // is asking whether the reader has it
        String statement = mariaDb ? "SELECT MASTER_GTID_WAIT('" + lastWrite + "', " + seconds + ")"
                : wait == 0 ? "SELECT IF(GTID_SUBSET('" + lastWrite + "', @@GLOBAL.gtid_executed), 0, 1)"
                : "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + lastWrite + "', " + seconds + ")";
        return new Wait(lastWrite, statement, wait);
    }

    /** The answer to a {@link Wait}: the reader applied {@code gtid}, or not in time. */
    public void waited(String gtid, boolean applied) {
        if (applied) {
            readerHas = gtid;
        } else {
            missed = gtid;
            missedNotSent = true;
        }
    }
}
