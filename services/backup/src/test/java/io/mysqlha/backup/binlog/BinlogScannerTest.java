package io.mysqlha.backup.binlog;

import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.domain.gtid.MysqlGtidSet;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a binlog file captured from MariaDB 10.11 (mariadb-binlog shows its events at these offsets): an InnoDB
 * insert (0-7-8), a CREATE TABLE (0-7-9, standalone), a multi-row insert (0-7-10), a MyISAM CREATE (0-7-11) and
 * insert (0-7-12, ended by a COMMIT query), a two-statement transaction (0-7-13), then a rotate.
 */
class BinlogScannerTest {
    private static byte[] captured() throws IOException {
        try (InputStream in = BinlogScannerTest.class.getResourceAsStream("/binlog/mysql-bin.000003")) {
            return in.readAllBytes();
        }
    }

    private static List<BinlogScanner.Transaction> scan(byte[] bytes, BinlogScanner.Scan[] out) throws IOException {
        List<BinlogScanner.Transaction> seen = new ArrayList<>();
        out[0] = BinlogScanner.scan(new ByteArrayInputStream(bytes), seen::add, "test");
        return seen;
    }

    @Test
    void findsEveryTransactionWithItsGtidTimeAndBytes() throws IOException {
        BinlogScanner.Scan[] scan = new BinlogScanner.Scan[1];
        List<BinlogScanner.Transaction> t = scan(captured(), scan);
        assertEquals(List.of("0-7-8", "0-7-9", "0-7-10", "0-7-11", "0-7-12", "0-7-13"),
                t.stream().map(BinlogScanner.Transaction::gtid).toList());
        assertEquals(List.of(385L, 586L, 750L, 960L, 1112L, 1351L), t.stream().map(BinlogScanner.Transaction::start).toList());
        assertEquals(List.of(586L, 750L, 960L, 1112L, 1351L, 1680L), t.stream().map(BinlogScanner.Transaction::end).toList());
        assertEquals(Instant.parse("2026-12-03T09:09:10Z"), t.getFirst().time());
        assertEquals(Instant.parse("2026-12-03T09:10:50Z"), t.getLast().time());
        assertEquals(1727, scan[0].length());
        assertEquals(1727, scan[0].completeEnd(), "the rotate event after the last transaction is complete too");
        assertFalse(scan[0].truncated());
    }

    @Test
    void aFileCutShortEndsAtItsLastCompleteTransaction() throws IOException {
        BinlogScanner.Scan[] scan = new BinlogScanner.Scan[1];
        List<BinlogScanner.Transaction> t = scan(Arrays.copyOf(captured(), 1500), scan);
        assertEquals("0-7-12", t.getLast().gtid(), "0-7-13 lost its XID");
        assertEquals(1351, scan[0].completeEnd());
        assertTrue(scan[0].truncated());
        List<BinlogScanner.Transaction> midHeader = scan(Arrays.copyOf(captured(), 1360), scan);
        assertEquals(5, midHeader.size());
        assertEquals(1351, scan[0].completeEnd());
    }

    @Test
    void refusesWhatIsNotABinlog() throws IOException {
        var e = assertThrows(BinlogScanner.NotABinlog.class, () -> BinlogScanner.scan(
                new ByteArrayInputStream("-- MariaDB dump".getBytes()), x -> { }, "dump.sql"));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        byte[] bad = captured();
        bad[4 + 9] = 3; // the format description event claims 3 bytes
        bad[4 + 10] = 0;
        bad[4 + 11] = 0;
        bad[4 + 12] = 0;
        var size = assertThrows(BinlogScanner.NotABinlog.class, () -> BinlogScanner.scan(new ByteArrayInputStream(bad),
                x -> { }, "x"));
        assertTrue(size.getMessage().contains("offset 4 claims 3 bytes"), size.getMessage());
    }

    @Test
    void continuitySkipsWhatTheArchiveHasAndReportsGaps() throws IOException {
        BinlogScanner.Scan[] scan = new BinlogScanner.Scan[1];
        List<BinlogScanner.Transaction> t = scan(captured(), scan);

        // a new writer's file that starts before the archive's end: the first two are archived already
        ArchiveContinuity overlap = new ArchiveContinuity(MariaDbGtidPosition.parse("0-7-9"));
        t.forEach(overlap::accept);
        ArchiveContinuity.Added a = overlap.added(scan[0].completeEnd());
        assertEquals(750, a.startOffset());
        assertEquals(1680, a.endOffset());
        assertEquals("0-7-10", a.firstGtid());
        assertEquals("0-7-13", a.lastGtid());
        assertEquals(4, a.transactions());
        assertEquals(2, a.skipped());
        assertEquals(List.of(), a.problems());
        assertEquals("0-7-13", a.reached());

        // the archive stopped at 0-7-5: 6 and 7 are nowhere
        ArchiveContinuity gap = new ArchiveContinuity(MariaDbGtidPosition.parse("0-7-5"));
        t.forEach(gap::accept);
        ArchiveContinuity.Added g = gap.added(scan[0].completeEnd());
        assertEquals(385, g.startOffset());
        assertEquals(1, g.problems().size());
        assertTrue(g.problems().getFirst().startsWith("gap: 0 number 6..7 missing before 0-7-8"), g.problems().toString());

        // everything archived already: nothing new, the range is empty
        ArchiveContinuity all = new ArchiveContinuity(MariaDbGtidPosition.parse("0-7-13"));
        t.forEach(all::accept);
        ArchiveContinuity.Added none = all.added(scan[0].completeEnd());
        assertTrue(none.nothingNew());
        assertEquals(none.startOffset(), none.endOffset());

        // an empty archive takes the file whole
        ArchiveContinuity first = new ArchiveContinuity(MariaDbGtidPosition.parse(""));
        t.forEach(first::accept);
        assertEquals(List.of(), first.added(scan[0].completeEnd()).problems());
    }

    /**
     * On a binlog file captured from MySQL 9.7 (SHOW BINLOG EVENTS lists these offsets): CREATE DATABASE (:1),
     * CREATE TABLE (:2), an InnoDB insert (:3, BEGIN ... XID), a MyISAM CREATE (:4) and insert (:5, BEGIN ... COMMIT
     * query), an InnoDB insert (:6), then a rotate.
     */
    @Test
    void readsMysqlTransactionsByTheirGtidEvents() throws IOException {
        byte[] bytes;
        try (InputStream in = BinlogScannerTest.class.getResourceAsStream("/binlog/mysql-9.7-binlog.000001")) {
            bytes = in.readAllBytes();
        }
        BinlogScanner.Scan[] scan = new BinlogScanner.Scan[1];
        List<BinlogScanner.Transaction> t = scan(bytes, scan);
        String uuid = "7b4cdd51-f1c9-11f1-b922-02fc00000001";
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), t.stream().map(BinlogScanner.Transaction::seq).toList());
        assertEquals(uuid + ":3", t.get(2).gtid());
        assertEquals(uuid, t.get(2).stream());
        assertEquals(List.of(158L, 334L, 543L, 825L, 1013L, 1319L), t.stream().map(BinlogScanner.Transaction::start).toList());
        assertEquals(List.of(334L, 543L, 825L, 1013L, 1319L, 1594L), t.stream().map(BinlogScanner.Transaction::end).toList());
        assertEquals(1638, scan[0].completeEnd());

        List<BinlogScanner.Transaction> cut = scan(Arrays.copyOf(bytes, 1330), scan);
        assertEquals(5, cut.size(), "the MyISAM insert ends with its COMMIT query at 1319");
        assertEquals(1319, scan[0].completeEnd());

        ArchiveContinuity overlap = new ArchiveContinuity(MysqlGtidSet.parse(uuid + ":1-4"));
        t.forEach(overlap::accept);
        ArchiveContinuity.Added a = overlap.added(1638);
        assertEquals(1013, a.startOffset());
        assertEquals(uuid + ":5", a.firstGtid());
        assertEquals(uuid + ":1-6", a.reached());
        assertEquals(List.of(), a.problems());
        assertEquals(io.mysqlha.domain.Flavour.MYSQL, a.flavour());

        ArchiveContinuity gap = new ArchiveContinuity(MysqlGtidSet.parse(uuid + ":1"));
        t.subList(3, 6).forEach(gap::accept);
        assertEquals(List.of("gap: " + uuid + " number 2..3 missing before " + uuid + ":4 (the new writer's binlogs"
                + " do not have them)"), gap.added(1638).problems());

        List<io.mysqlha.domain.gtid.GtidPosition> previous = new java.util.ArrayList<>();
        BinlogScanner.scan(new java.io.ByteArrayInputStream(bytes), x -> { }, previous::add, "capture");
        assertEquals(List.of(MysqlGtidSet.parse("")), previous, "the first file of a new server logged nothing before");
    }

    @Test
    void aHoleInTheNumbersIsAGapOnlyWhenTheWritersHistoryHasWhatTheArchiveLacks() {
        String group = "c54b1638-caec-4627-8cd6-a9577ecb3598";
        // Group Replication: the new primary writes from its own block (1000001...), numbers 5..1000000 never existed
        ArchiveContinuity block = new ArchiveContinuity(MysqlGtidSet.parse(group + ":1-4"));
        block.previous(MysqlGtidSet.parse(group + ":1-4"));
        block.accept(transaction(group, 1_000_001));
        assertEquals(List.of(), block.added(100).problems());
        assertEquals(group + ":1-4:1000001", block.added(100).reached());

        // the new writer logged 2..3 before this file and the archive never got them: a gap
        ArchiveContinuity lacking = new ArchiveContinuity(MysqlGtidSet.parse(group + ":1"));
        lacking.previous(MysqlGtidSet.parse(group + ":1-3"));
        lacking.accept(transaction(group, 4));
        assertEquals(List.of("gap: 2 transaction(s) the new writer logged before " + group + ":4 (" + group
                + ":1-3) are not in the archive (" + group + ":1)"), lacking.added(100).problems());
    }

    private static BinlogScanner.Transaction transaction(String uuid, long seq) {
        return new BinlogScanner.Transaction(MysqlGtidSet.parse(uuid + ":" + seq), uuid, seq,
                java.time.Instant.EPOCH, 10, 50);
    }
}
