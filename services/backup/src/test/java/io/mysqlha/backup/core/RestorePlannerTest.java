package io.mysqlha.backup.core;

import io.mysqlha.backup.core.RestorePlanner.Plan;
import io.mysqlha.backup.core.RestorePlanner.Point;
import io.mysqlha.backup.core.RestorePlanner.Refused;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.domain.gtid.MysqlGtidSet;
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
                Manifest.Status.COMPLETED, null, null, Flavour.MARIADB);
    }

    static Manifest failed(String id, int minute) {
        return new Manifest(id, "c", "node2", "10.11", null, null, null, T0.plusSeconds(60L * minute), null, null, 0,
                null, "zstd", "mariadb-dump", Manifest.Status.FAILED, "tool exited with 2", null, null);
    }

    /** A segment with transactions first..last of domain 0, stamped at minutes fromMinute..toMinute. */
    static SegmentIndex segment(long sequence, String node, long first, long last, int fromMinute, int toMinute,
                                String... problems) {
        return new SegmentIndex(sequence, "c", node, "mysql-bin.00000" + sequence, sequence + "-" + node, 1000, "sha",
                4, 1000, "0-1-" + first, "0-1-" + last, T0.plusSeconds(60L * fromMinute),
                T0.plusSeconds(60L * toMinute), last - first + 1, "0-1-" + last, List.of(problems), T0, null);
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
                new Point.AtGtid("0-2-120")));
        assertEquals("b1", g.dump().backupId());
        assertEquals(List.of(1L, 2L), g.segments().stream().map(SegmentIndex::sequence).toList());

        Plan exact = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, ARCHIVE,
                new Point.AtGtid("0-1-150")));
        assertEquals("b2", exact.dump().backupId());
        assertEquals(List.of(), exact.segments(), "the dump alone is at that position");

        Plan latest = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, ARCHIVE, new Point.LatestDump()));
        assertEquals("b4", latest.dump().backupId());
    }

    @Test
    void transactionsAreReplayedAfterTheDumpAndBeforeThePoint() {
        MariaDbGtidPosition after = MariaDbGtidPosition.parse("0-1-150");
        Point at = new Point.AtTime(T0.plusSeconds(60));
        assertTrue(!RestorePlanner.replays(tx("0-1-150"), T0, after, at), "in the dump already");
        assertTrue(RestorePlanner.replays(tx("0-1-151"), T0.plusSeconds(59), after, at));
        assertTrue(!RestorePlanner.replays(tx("0-1-152"), T0.plusSeconds(60), after, at),
                "stamped at the point: not replayed");
        Point gtid = new Point.AtGtid("0-2-160");
        assertTrue(RestorePlanner.replays(tx("0-2-160"), T0, after, gtid));
        assertTrue(!RestorePlanner.replays(tx("0-2-161"), T0, after, gtid));
        assertTrue(!RestorePlanner.replays(tx("1-2-5"), T0, after, gtid), "another domain is not up to the point");
    }

    private static GtidPosition tx(String gtid) {
        return MariaDbGtidPosition.parse(gtid);
    }

    static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    static final String B = "9b1c7a1e-0f3a-11f1-8a2b-02fc00000002";

    /** A MySQL segment: transactions first..last of one source uuid, after the archive reached {@code before}. */
    static SegmentIndex mysqlSegment(long sequence, String uuid, long first, long last, int fromMinute, int toMinute,
                                     String reached) {
        return new SegmentIndex(sequence, "c", "node" + sequence, "binlog.00000" + sequence, sequence + "-m", 1000,
                "sha", 4, 1000, uuid + ":" + first, uuid + ":" + last, T0.plusSeconds(60L * fromMinute),
                T0.plusSeconds(60L * toMinute), last - first + 1, reached, List.of(), T0, Flavour.MYSQL);
    }

    static Manifest mysqlDump(String id, int minute, String gtid) {
        return new Manifest(id, "c", "node2", "9.7.4", gtid, "binlog.000001", 4L, T0.plusSeconds(60L * minute),
                T0.plusSeconds(60L * minute + 30), id + ".sql.zst", 100, "sha", "zstd", "mysqldump",
                Manifest.Status.COMPLETED, null, null, Flavour.MYSQL);
    }

    @Test
    void mysqlGtidSetsAcrossAFailoverPlanTheSameWay() {
        // the first primary wrote A:1-200, the promoted one B:1-50 after it
        List<SegmentIndex> archive = List.of(
                mysqlSegment(1, A, 1, 100, 0, 9, A + ":1-100"),
                mysqlSegment(2, A, 101, 200, 10, 19, A + ":1-200"),
                mysqlSegment(3, B, 1, 50, 20, 29, A + ":1-200," + B + ":1-50"));
        List<Manifest> dumps = List.of(mysqlDump("m1", 5, A + ":1-50"), mysqlDump("m2", 15, A + ":1-150"));
        Plan p = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, archive,
                new Point.AtTime(T0.plusSeconds(60 * 25))));
        assertEquals("m2", p.dump().backupId());
        assertEquals(List.of(2L, 3L), p.segments().stream().map(SegmentIndex::sequence).toList());
        assertTrue(!p.replays(new io.mysqlha.backup.binlog.BinlogScanner.Transaction(MysqlGtidSet.parse(A + ":150"),
                A, 150, T0, 0, 1)), "in the dump already");
        assertTrue(p.replays(new io.mysqlha.backup.binlog.BinlogScanner.Transaction(MysqlGtidSet.parse(B + ":7"),
                B, 7, T0.plusSeconds(60 * 21), 0, 1)));

        Plan g = assertInstanceOf(Plan.class, RestorePlanner.plan(dumps, archive,
                new Point.AtGtid(A + ":1-200," + B + ":1-10")));
        assertEquals("m2", g.dump().backupId());
        assertEquals(List.of(2L, 3L), g.segments().stream().map(SegmentIndex::sequence).toList());

        Refused notMysql = assertInstanceOf(Refused.class, RestorePlanner.plan(dumps, archive,
                new Point.AtGtid("0-1-5")));
        assertTrue(notMysql.reason().contains("not a GTID of this cluster's servers (MYSQL)"), notMysql.reason());

        Refused mixed = assertInstanceOf(Refused.class, RestorePlanner.plan(dumps, ARCHIVE,
                new Point.AtTime(T0.plusSeconds(60 * 25))));
        assertTrue(mixed.reason().contains("cannot be restored together"), mixed.reason());
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
                ARCHIVE, new Point.AtGtid("0-2-301")));
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
