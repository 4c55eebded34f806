package io.mysqlha.backup.core;

import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.backup.binlog.BinlogScanner;
import io.mysqlha.domain.gtid.GtidParseException;
import io.mysqlha.domain.gtid.GtidPosition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which dump and which archived binlog segments bring a server to a point in time or to a GTID: the newest
 * completed dump before the point, then every segment holding transactions after the dump's position up to the
 * point. Refuses, saying why, when the archive cannot get there: no dump before it, a gap in between, or an archive
 * that does not reach that far yet. Binlog times have one-second resolution; as with {@code mariadb-binlog
 * --stop-datetime}, a transaction stamped at or after the point is not replayed. Pure.
 */
public final class RestorePlanner {
    private RestorePlanner() {
    }

    /** Where a restore should bring the target. */
    public sealed interface Point {
        /** Everything committed before this instant. */
        record AtTime(Instant time) implements Point {
        }

        /** Up to and including this GTID position, in the cluster's notation (read with its dumps' flavour). */
        record AtGtid(String gtid) implements Point {
        }

        /** The newest dump alone. */
        record LatestDump() implements Point {
        }
    }

    public sealed interface Outcome {
    }

    /**
     * Load {@code dump}, then replay each segment's transactions after {@code after} up to {@code point}.
     * {@code segments} may end with the live spool file (not yet checksummed: its sha256 is null).
     */
    public record Plan(Manifest dump, GtidPosition after, List<SegmentIndex> segments, Point point)
            implements Outcome {
        /** Whether a transaction belongs in the restore: after the dump, and before the point. */
        public boolean replays(BinlogScanner.Transaction t) {
            return RestorePlanner.replays(t.position(), t.time(), after, point);
        }
    }

    public record Refused(String reason) implements Outcome {
    }

    /**
     * @param manifests every manifest of the cluster, in any order (failed ones are passed over)
     * @param segments  the archive in archive order, optionally followed by the live segment
     */
    public static Outcome plan(List<Manifest> manifests, List<SegmentIndex> segments, Point point) {
        List<Manifest> dumps = manifests.stream()
                .filter(m -> m.status() == Manifest.Status.COMPLETED && m.gtidPosition() != null)
                .sorted(Comparator.comparing(Manifest::startedAt)).toList();
        if (dumps.isEmpty()) {
            return new Refused("the cluster has no completed dump; take one (POST /clusters/{id}/backups) first");
        }
        GtidPosition target;
        try {
            target = target(point, dumps.getLast().position());
        } catch (GtidParseException e) {
            return new Refused("the point is not a GTID of this cluster's servers (" + dumps.getLast().flavour()
                    + "): " + e.getMessage());
        }
        Optional<Manifest> chosen = switch (point) {
            case Point.LatestDump l -> Optional.of(dumps.getLast());
            case Point.AtTime(Instant t) -> dumps.stream().filter(m -> m.startedAt().isBefore(t))
                    .reduce((a, b) -> b);
            case Point.AtGtid g -> dumps.stream().filter(m -> m.flavour() == target.flavour()
                    && target.contains(m.position())).reduce((a, b) -> b);
        };
        if (chosen.isEmpty()) {
            return new Refused("no completed dump is older than " + describe(point) + "; the oldest started at "
                    + dumps.getFirst().startedAt() + " at GTID " + dumps.getFirst().gtidPosition());
        }
        Manifest dump = chosen.get();
        GtidPosition after = dump.position();
        if (point instanceof Point.LatestDump) {
            return new Plan(dump, after, List.of(), point);
        }
        if (point instanceof Point.AtGtid && after.contains(target)) {
            return new Plan(dump, after, List.of(), point); // the dump is exactly there
        }
        List<SegmentIndex> needed = new ArrayList<>();
        GtidPosition before = null; // the archive's position before the segment at hand
        for (SegmentIndex s : segments) {
            if (s.flavour() != dump.flavour()) {
                return new Refused("the binlog archive holds " + s.flavour() + " segments (" + s.artifact()
                        + ") and the dump " + dump.backupId() + " is of " + dump.flavour() + ": they cannot be"
                        + " restored together");
            }
            GtidPosition reached = s.reachedPosition();
            boolean pastDump = !after.contains(reached);
            boolean startsBeforePoint = switch (point) {
                case Point.AtTime(Instant t) -> s.firstEventTime() == null || s.firstEventTime().isBefore(t);
                case Point.AtGtid g -> before == null || !before.contains(target);
                case Point.LatestDump l -> false;
            };
            if (pastDump && startsBeforePoint) {
                if (needed.isEmpty() && !continues(before, s, after)) {
                    return new Refused("the binlog archive does not hold the transactions right after the dump "
                            + dump.backupId() + " (at " + after + "): its segment " + s.artifact() + " starts at "
                            + s.firstGtid() + (before == null ? " and nothing older is archived" : "")
                            + "; restore from a newer dump or to a point the dump alone reaches");
                }
                if (!s.problems().isEmpty()) {
                    return new Refused("segment " + s.artifact() + " has a gap (" + String.join("; ", s.problems())
                            + "): no restore can cross it; choose a point before " + s.firstGtid()
                            + " or after a dump newer than it");
                }
                needed.add(s);
            }
            before = reached;
        }
        SegmentIndex last = segments.isEmpty() ? null : segments.getLast();
        String reach = switch (point) {
            case Point.AtTime(Instant t) -> last != null && last.lastEventTime() != null
                    && !last.lastEventTime().isBefore(t) ? null
                    : "the binlog archive reaches only " + (last == null ? "nothing" : last.lastEventTime()
                    + " (" + last.lastGtid() + ")") + "; nothing after that is archived yet, so " + t
                    + " cannot be proven reached (wait for the archive, or restore to an earlier point)";
            case Point.AtGtid g -> last != null && last.reachedPosition().contains(target) ? null
                    : "the binlog archive reaches only " + (last == null ? "nothing" : last.reached())
                    + "; " + target + " is not archived (yet)";
            case Point.LatestDump l -> null;
        };
        if (reach != null) {
            return new Refused(reach);
        }
        return new Plan(dump, after, List.copyOf(needed), point);
    }

    /** True when the segment's new transactions follow on from the dump's position with nothing missing. */
    private static boolean continues(GtidPosition before, SegmentIndex s, GtidPosition after) {
        if (before != null) {
            return after.contains(before);
        }
        // the archive's very first segment: it starts no later than the first transaction after the dump
        GtidPosition first = s.firstPosition();
        return first.streams().stream().allMatch(stream -> first.highest(stream) <= after.highest(stream) + 1);
    }

    /** The position a GTID point names, read in the notation of {@code like}; null for other points. */
    private static GtidPosition target(Point point, GtidPosition like) {
        return point instanceof Point.AtGtid(String gtid) ? GtidPosition.parse(like.flavour(), gtid) : null;
    }

    /** Whether a transaction belongs in the restore: after the dump, and before the point. */
    public static boolean replays(GtidPosition transaction, Instant time, GtidPosition after, Point point) {
        if (after.contains(transaction)) {
            return false;
        }
        return switch (point) {
            case Point.AtTime(Instant t) -> time.isBefore(t);
            case Point.AtGtid g -> target(point, after).contains(transaction);
            case Point.LatestDump l -> false;
        };
    }

    private static String describe(Point point) {
        return switch (point) {
            case Point.AtTime(Instant t) -> t.toString();
            case Point.AtGtid(String g) -> "GTID " + g;
            case Point.LatestDump l -> "now";
        };
    }
}
