package io.mysqlha.backup.binlog;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.gtid.GtidPosition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the binlog archive free of gaps and duplicates across writer changes. The archive has reached a GTID
 * position; a newly closed segment (from whichever writer) is read transaction by transaction: those the archive
 * holds already (a new writer's file starts before the first transaction not yet archived) are skipped, the rest
 * must follow on without a hole in the numbers of any GTID stream (MariaDB's replication domain, MySQL's source
 * uuid), else the hole is reported. A MySQL file says what its server logged before it (Previous_gtids): there a
 * hole is a gap only when that history has transactions the archive lacks; numbers nobody used (Group
 * Replication hands each member its own block of them) are no gap. Pure.
 */
public final class ArchiveContinuity {
    private GtidPosition reached;
    private final boolean empty;
    private long start = -1;
    private long end = -1;
    private BinlogScanner.Transaction first;
    private BinlogScanner.Transaction last;
    private long fresh;
    private long duplicates;
    private final List<String> problems = new ArrayList<>();
    private GtidPosition history;
    private boolean historyChecked;

    /** @param archived the position the archive has reached so far (null or empty for an empty archive) */
    public ArchiveContinuity(GtidPosition archived) {
        this.reached = archived;
        this.empty = archived == null || archived.isEmpty();
    }

    /**
     * What one closed segment adds to the archive.
     *
     * @param startOffset the first new transaction's first byte (the end when nothing is new)
     * @param endOffset   the last new transaction's end: a restore replays [startOffset, endOffset)
     * @param problems    gaps in the sequence, or duplicates the byte range cannot leave out
     * @param reached     the archive's position after this segment
     * @param flavour     the notation of its GTIDs (null for an empty archive that still has nothing)
     */
    public record Added(long startOffset, long endOffset, String firstGtid, String lastGtid, Instant firstTime,
                        Instant lastTime, long transactions, long skipped, List<String> problems,
                        String reached, Flavour flavour) {
        public boolean nothingNew() {
            return transactions == 0;
        }
    }

    /** The file's Previous_gtids: what its server logged before it (MySQL only). */
    public void previous(GtidPosition loggedBefore) {
        this.history = loggedBefore;
    }

    public void accept(BinlogScanner.Transaction t) {
        long had = reached == null ? 0 : reached.highest(t.stream());
        boolean known = reached != null && reached.streams().contains(t.stream());
        if (known && reached.contains(t.position())) {
            duplicates++;
            if (first != null) {
                problems.add("transaction " + t.gtid() + " was archived already but comes after new ones in this"
                        + " file: it would be replayed twice");
            }
            return;
        }
        if (history != null) {
            lackedHistory(t);
        } else if (known && t.seq() != had + 1) {
            problems.add("gap: " + t.stream() + " number " + (had + 1) + (t.seq() - 1 > had + 1 ? ".." + (t.seq() - 1)
                    : "") + " missing before " + t.gtid() + " (the new writer's binlogs do not have "
                    + (t.seq() - 1 > had + 1 ? "them" : "it") + ")");
        } else if (!known && !empty && first == null && fresh == 0 && t.seq() != 1) {
            problems.add(t.stream() + " first appears at " + t.gtid() + "; its transactions before it were never"
                    + " archived");
        }
        if (first == null) {
            first = t;
            start = t.start();
        }
        last = t;
        end = t.end();
        fresh++;
        reached = reached == null ? t.position() : reached.union(t.position());
    }

    /** Once per file, at its first new transaction: what its server logged before it and the archive lacks. */
    private void lackedHistory(BinlogScanner.Transaction t) {
        if (historyChecked || empty) {
            return;
        }
        historyChecked = true;
        long lacking = history.transactionsNotIn(reached);
        if (lacking > 0) {
            problems.add("gap: " + lacking + " transaction(s) the new writer logged before " + t.gtid() + " ("
                    + history + ") are not in the archive (" + reached + ")");
        }
    }

    /** The segment's contribution; {@code completeEnd} is where the scan found the file's last complete group. */
    public Added added(long completeEnd) {
        return new Added(first == null ? completeEnd : start, first == null ? completeEnd : end,
                first == null ? null : first.gtid(), last == null ? null : last.gtid(),
                first == null ? null : first.time(), last == null ? null : last.time(), fresh, duplicates,
                List.copyOf(problems), reached == null ? "" : reached.toString(),
                reached == null ? null : reached.flavour());
    }
}
