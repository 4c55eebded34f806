package io.mysqlha.backup.binlog;

import io.mysqlha.domain.gtid.GtidPosition;

import java.util.List;
import java.util.function.Function;

/**
 * Where streaming from a writer starts, given what the archive has reached: the newest of the writer's binlog
 * files that starts at or before the first transaction the archive lacks (what the archive holds already is
 * skipped later by byte range); the oldest file for an empty archive. When even the oldest file starts past the
 * archive, the transactions in between are gone from this writer: a gap, and streaming starts at the oldest file.
 * Pure, given how to read a file's starting position (asked newest first, only as far back as needed).
 */
public final class ResumePoint {
    private ResumePoint() {
    }

    /** @param gap null when the archive continues without a hole, else what is missing */
    public record Choice(String file, String gap) {
    }

    /**
     * @param files   the writer's binlog files, oldest first (SHOW BINARY LOGS)
     * @param reached where the archive stands (null or empty: nothing archived yet)
     * @param startOf the GTID position at the start of a file (BINLOG_GTID_POS(file, 4), or its Previous_gtids)
     */
    public static Choice choose(List<String> files, GtidPosition reached, Function<String, GtidPosition> startOf) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("the writer has no binary logs: enable log_bin to archive them");
        }
        if (reached == null || reached.isEmpty()) {
            return new Choice(files.getFirst(), null);
        }
        for (String file : files.reversed()) {
            if (reached.contains(startOf.apply(file))) {
                return new Choice(file, null);
            }
        }
        return new Choice(files.getFirst(), "the archive reached " + reached + " but the writer's oldest binlog "
                + files.getFirst() + " starts after " + startOf.apply(files.getFirst()) + ": the transactions in"
                + " between are not archived (point-in-time recovery cannot cross them; take a new dump)");
    }
}
