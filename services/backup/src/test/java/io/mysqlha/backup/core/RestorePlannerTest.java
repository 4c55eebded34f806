package io.mysqlha.backup.core;

import io.mysqlha.backup.core.RestorePlanner.Plan;
import io.mysqlha.backup.core.RestorePlanner.Point;
import io.mysqlha.backup.core.RestorePlanner.Refused;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestorePlannerTest {
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    static Manifest dump(String id, int minute, String gtid) {
        return new Manifest(id, "c", "node2", "10.11", gtid, "mysql-bin.000001", 4L, T0.plusSeconds(60L * minute),
                T0.plusSeconds(60L * minute + 30), id + ".sql.zst", 100, "sha", "zstd", "mariadb-dump",
                Manifest.Status.COMPLETED, null, null);
    }

    static Manifest failed(String id, int minute) {
        return new Manifest(id, "c", "node2", "10.11", null, null, null, T0.plusSeconds(60L * minute), null, null, 0,
                null, "zstd", "mariadb-dump", Manifest.Status.FAILED, "tool exited with 2", null);
    }

    /** A segment with transactions first..last of domain 0, stamped at minutes fromMinute..toMinute. */
    static SegmentIndex segment(long sequence, String node, long first, long last, int fromMinute, int toMinute,
                                String... problems) {
        return new SegmentIndex(sequence, "c", node, "mysql-bin.00000" + sequence, sequence + "-" + node, 1000, "sha",
                4, 1000, "0-1-" + first, "0-1-" + last, T0.plusSeconds(60L * fromMinute),
                T0.plusSeconds(60L * toMinute), last - first + 1, "0-1-" + last, List.of(problems), T0);
    }

    static final List<SegmentIndex> ARCHIVE = List.of(
            segment(1, "node1", 1, 100, 0, 9),
            segment(2, "node1", 101, 200, 10, 19),
            segment(3, "node2", 201, 300, 20, 29));

    @Test
    void choosesTheNewestDumpBeforeThePointAndTheSegmentsAfterIt() {
        List<Manifest> dumps = List.of(dump("b1", 5, "0-1-50"), dump("b2", 15, "0-1-150"), failed("b3", 16),
                dump("b4", 25, "0-1-250"));
        Plan p = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, ARCHIVE, new Point.AtTime(T0.plusSeconds(60 * 22))));
        assertEquals("b2", p.dump().backupId());
        assertEquals(List.of(2L, 3L), p.segments().stream().map(SegmentIndex::sequence).toList());

        Plan g = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, ARCHIVE,
                new Point.AtGtid(MariaDbGtidPosition.parse("0-2-120"))));
        assertEquals("b1", g.dump().backupId());
        assertEquals(List.of(1L, 2L), g.segments().stream().map(SegmentIndex::sequence).toList());

        Plan exact = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, ARCHIVE,
                new Point.AtGtid(MariaDbGtidPosition.parse("0-1-150"))));
        assertEquals("b2", exact.dump().backupId());
        assertEquals(List.of(), exact.segments(), "the dump alone is at that position");

        Plan latest = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, ARCHIVE, new Point.LatestDump()));
        assertEquals("b4", latest.dump().backupId());
    }

    @Test
    void transactionsAreReplayedAfterTheDumpAndBeforeThePoint() {
        MariaDbGtidPosition after = MariaDbGtidPosition.parse("0-1-150");
        Point at = new Point.AtTime(T0.plusSeconds(60));
        assertTrue(!RestorePlanner.replays(0, 150, T0, after, at), "in the dump already");
        assertTrue(RestorePlanner.replays(0, 151, T0.plusSeconds(59), after, at));
        assertTrue(!RestorePlanner.replays(0, 152, T0.plusSeconds(60), after, at), "stamped at the point: not replayed");
        Point gtid = new Point.AtGtid(MariaDbGtidPosition.parse("0-2-160"));
        assertTrue(RestorePlanner.replays(0, 160, T0, after, gtid));
        assertTrue(!RestorePlanner.replays(0, 161, T0, after, gtid));
    }

    @Test
    void refusesWhatTheArchiveCannotReachAndSaysWhy() {
        Refused none = assertInstanceOf(Refused.class, RestorePlanner.plan(List.of(failed("b1", 1)), ARCHIVE,
                new Point.AtTime(T0.plusSeconds(600))));
        assertTrue(none.reason().contains("no completed dump"), none.reason());

        Refused tooEarly = assertInstanceOf(Refused.class, RestorePlanner.plan(List.of(dump("b2", 15, "0-1-150")),
                ARCHIVE, new Point.AtTime(T0.plusSeconds(60 * 3))));
        assertTrue(tooEarly.reason().contains("no completed dump is older than"), tooEarly.reason());

        Refused notYet = assertInstanceOf(Refused.class, RestorePlanner.plan(List.of(dump("b2", 15, "0-1-150")),
                ARCHIVE, new Point.AtTime(T0.plusSeconds(60 * 45))));
        assertTrue(notYet.reason().contains("reaches only 2026-12-03T10:29:00Z (0-1-300)"), notYet.reason());

        Refused gtidNotYet = assertInstanceOf(Refused.class, RestorePlanner.plan(List.of(dump("b2", 15, "0-1-150")),
                ARCHIVE, new Point.AtGtid(MariaDbGtidPosition.parse("0-2-301"))));
        assertTrue(gtidNotYet.reason().contains("0-2-301 is not archived"), gtidNotYet.reason());

        List<SegmentIndex> gapped = List.of(ARCHIVE.get(0), ARCHIVE.get(1),
                segment(3, "node2", 205, 300, 20, 29, "gap: 0-*-201..204 missing before 0-2-205"));
        Refused gap = assertInstanceOf(Refused.class, RestorePlanner.plan(List.of(dump("b2", 15, "0-1-150")), gapped,
                new Point.AtTime(T0.plusSeconds(60 * 25))));
        assertTrue(gap.reason().contains("has a gap (gap: 0-*-201..204"), gap.reason());

        List<SegmentIndex> startsLate = List.of(ARCHIVE.get(2));
        Refused late = assertInstanceOf(Refused.class, RestorePlanner.plan(List.of(dump("b2", 15, "0-1-150")),
                startsLate, new Point.AtTime(T0.plusSeconds(60 * 25))));
        assertTrue(late.reason().contains("does not hold the transactions right after the dump b2"), late.reason());
    }

    @Test
    void retentionKeepsTheNewestDumpsAndTheSegmentsTheyNeed() {
        List<Manifest> dumps = List.of(dump("b1", 5, "0-1-50"), failed("b0", 4), dump("b2", 15, "0-1-150"),
                failed("b3", 16), dump("b4", 25, "0-1-250"));
        Retention.Removal r = Retention.plan(dumps, ARCHIVE, 2);
        assertEquals(List.of("b1", "b0"), r.manifests().stream().map(Manifest::backupId).toList());
        assertEquals(List.of(1L), r.segments().stream().map(SegmentIndex::sequence).toList(),
                "segment 2 holds 151..200, which b2 needs");
        Retention.Removal one = Retention.plan(dumps, ARCHIVE, 1);
        assertEquals(List.of(1L, 2L), one.segments().stream().map(SegmentIndex::sequence).toList());
        Retention.Removal keepLast = Retention.plan(List.of(dump("b9", 40, "0-1-300")), ARCHIVE, 1);
        assertTrue(keepLast.isEmpty());
        Retention.Removal newestStays = Retention.plan(List.of(dump("b8", 39, "0-1-299"), dump("b9", 40, "0-1-300")),
                ARCHIVE, 1);
        assertEquals(List.of(1L, 2L), newestStays.segments().stream().map(SegmentIndex::sequence).toList(),
                "the newest segment stays: the archive continues from it");
    }
}
