package io.mysqlha.backup.binlog;

import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.domain.gtid.MysqlGtidSet;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads a raw binlog file of MariaDB or MySQL (as the server writes it and {@code mariadb-binlog --raw} or
 * {@code mysqlbinlog --raw} copies it) event by event, from the v4 event headers alone, and reports its
 * transactions: each GTID event starts one (MariaDB's type 162, MySQL's 33: their event types never overlap); an
 * XID event or a {@code COMMIT} query ends it, and so does the statement of a DDL (MariaDB marks its GTID
 * standalone; MySQL's statement after the GTID is then not {@code BEGIN}), a MySQL compressed transaction payload
 * or an XA PREPARE. A file cut short (the writer died mid-stream) ends at its last complete transaction: what
 * follows is reported as not complete. Rows are never decoded. MySQL transactions without a GTID (gtid_mode OFF)
 * and with a GTID tag are refused, saying so: the archive tells transactions apart by their GTIDs.
 */
public final class BinlogScanner {
    private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    private static final int HEADER = 19;
    private static final int QUERY_EVENT = 2;
    private static final int XID_EVENT = 16;
    private static final int GTID_EVENT = 162;
    private static final int MYSQL_GTID_EVENT = 33;
    private static final int MYSQL_ANONYMOUS_GTID_EVENT = 34;
    private static final int MYSQL_PREVIOUS_GTIDS_EVENT = 35;
    private static final int MYSQL_XA_PREPARE_EVENT = 38;
    private static final int MYSQL_TRANSACTION_PAYLOAD_EVENT = 40;
    private static final int MYSQL_TAGGED_GTID_EVENT = 42;
    private static final int FL_STANDALONE = 1;
    private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BEGIN = "BEGIN".getBytes(StandardCharsets.US_ASCII);
    /** A query event larger than this is not a COMMIT: only its end is looked at. */
    private static final int MAX_EVENT = 1 << 30;

    private BinlogScanner() {
    }

    /**
     * One transaction: its GTID (as a position holding it alone), the sequence it is numbered in (MariaDB's domain,
     * MySQL's source uuid) and its number there, its commit time (the GTID event's timestamp), and its bytes
     * [start, end).
     */
    public record Transaction(GtidPosition position, String stream, long seq, Instant time, long start, long end) {
        public String gtid() {
            return position.toString();
        }
    }

    /**
     * @param completeEnd  offset just after the last complete event group: a restore of this file stops here
     * @param length       bytes read
     * @param transactions complete transactions seen
     */
    public record Scan(long completeEnd, long length, long transactions) {
        public boolean truncated() {
            return completeEnd < length;
        }
    }

    /** Thrown for a binlog whose transactions the archive cannot tell apart (no GTIDs, or GTID tags). */
    public static final class Unsupported extends IOException {
        Unsupported(String message) {
            super(message);
        }
    }

    /** Thrown when the file is not a binlog at all, or its events make no sense. */
    public static final class NotABinlog extends IOException {
        NotABinlog(String message) {
            super(message);
        }
    }

    public static Scan scan(Path file, Consumer<Transaction> each) throws IOException {
        return scan(file, each, previous -> { });
    }

    /**
     * @param previous told a MySQL file's Previous_gtids: every transaction the server logged before this file (not
     *                 told for MariaDB files, nor for a set with GTID tags)
     */
    public static Scan scan(Path file, Consumer<Transaction> each, Consumer<GtidPosition> previous) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return scan(in, each, previous, file.toString());
        } catch (NotABinlog e) {
            throw new NotABinlog(file + ": " + e.getMessage());
        }
    }

    public static Scan scan(InputStream raw, Consumer<Transaction> each, String name) throws IOException {
        return scan(raw, each, previous -> { }, name);
    }

    public static Scan scan(InputStream raw, Consumer<Transaction> each, Consumer<GtidPosition> previous, String name)
            throws IOException {
        InputStream in = new BufferedInputStream(raw, 64 * 1024);
        byte[] magic = in.readNBytes(4);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new NotABinlog("does not start with the binlog magic bytes fe 62 69 6e");
        }
        long offset = 4;
        long completeEnd = 4;
        long count = 0;
        byte[] header = new byte[HEADER];
        // the open transaction, if any
        long txStart = -1;
        GtidPosition gtid = null;
        String stream = null;
        long seq = 0;
        long time = 0;
        boolean standalone = false;
        boolean mysql = false;
        boolean begun = false;
        int eventsInTx = 0;
        while (true) {
            int n = in.readNBytes(header, 0, HEADER);
            if (n < HEADER) {
                return new Scan(completeEnd, offset + n, count);
            }
            long timestamp = u32(header, 0);
            int type = header[4] & 0xff;
            long serverId = u32(header, 5);
            long size = u32(header, 9);
            if (size < HEADER || size > MAX_EVENT) {
                throw new NotABinlog("event at offset " + offset + " claims " + size + " bytes");
            }
            int bodyLength = (int) size - HEADER;
            byte[] body = null;
            if (type == MYSQL_ANONYMOUS_GTID_EVENT) {
                throw new Unsupported("a transaction without a GTID at offset " + offset + ": the writer runs with"
                        + " gtid_mode OFF; archiving and point-in-time recovery need gtid_mode=ON and"
                        + " enforce_gtid_consistency=ON");
            }
            if (type == MYSQL_TAGGED_GTID_EVENT) {
                throw new Unsupported("a transaction with a GTID tag at offset " + offset + ": the archive cannot"
                        + " read tagged GTIDs yet; commit without SET gtid_next='AUTOMATIC:<tag>' to archive");
            }
            if (type == GTID_EVENT || type == MYSQL_GTID_EVENT || type == QUERY_EVENT
                    || type == MYSQL_PREVIOUS_GTIDS_EVENT) {
                body = in.readNBytes(bodyLength);
                if (body.length < bodyLength) {
                    return new Scan(completeEnd, offset + HEADER + body.length, count);
                }
            } else if (skip(in, bodyLength) < bodyLength) {
                return new Scan(completeEnd, offset + size, count); // cut short
            }
            long end = offset + size;
            if (type == GTID_EVENT) {
                if (body.length < 13) {
                    throw new NotABinlog("GTID event at offset " + offset + " is " + size + " bytes");
                }
                txStart = offset;
                seq = u64(body, 0);
                long domain = u32(body, 8);
                stream = Long.toUnsignedString(domain);
                gtid = MariaDbGtidPosition.parse(stream + "-" + Long.toUnsignedString(serverId) + "-"
                        + Long.toUnsignedString(seq));
                standalone = (body[12] & FL_STANDALONE) != 0;
                mysql = false;
                time = timestamp;
                eventsInTx = 0;
            } else if (type == MYSQL_GTID_EVENT) {
                if (body.length < 25) {
                    throw new NotABinlog("GTID event at offset " + offset + " is " + size + " bytes");
                }
                txStart = offset;
                stream = uuid(body, 1);
                seq = u64(body, 17);
                gtid = MysqlGtidSet.parse(stream + ":" + Long.toUnsignedString(seq));
                mysql = true;
                begun = false;
                time = timestamp;
                eventsInTx = 0;
            } else if (type == MYSQL_PREVIOUS_GTIDS_EVENT) {
                previousGtids(body).ifPresent(previous);
                completeEnd = end;
            } else if (txStart >= 0) {
                eventsInTx++;
                boolean ends = type == XID_EVENT || (type == QUERY_EVENT && isCommit(body))
                        || (standalone && eventsInTx == 1) || type == MYSQL_TRANSACTION_PAYLOAD_EVENT
                        || type == MYSQL_XA_PREPARE_EVENT;
                if (mysql && type == QUERY_EVENT && !begun) {
                    begun = true;
                    ends |= !endsWith(body, body.length, BEGIN) && !endsWith(body, body.length - 4, BEGIN); // DDL
                }
                if (ends) {
                    each.accept(new Transaction(gtid, stream, seq, Instant.ofEpochSecond(time), txStart, end));
                    count++;
                    txStart = -1;
                    completeEnd = end;
                }
            } else {
                completeEnd = end; // format description, GTID list, checkpoint, rotate: outside any transaction
            }
            offset = end;
        }
    }

    /** A query event whose statement is COMMIT (with or without a 4-byte checksum after it). */
    private static boolean isCommit(byte[] body) {
        return endsWith(body, body.length, COMMIT) || endsWith(body, body.length - 4, COMMIT);
    }

    private static boolean endsWith(byte[] body, int end, byte[] word) {
        if (end < word.length) {
            return false;
        }
        return Arrays.equals(body, end - word.length, end, word, 0, word.length);
    }

    /** A server uuid of 16 bytes, as MySQL prints it. */
    /**
     * A Previous_gtids event's set: a count of uuids, each with its intervals [start, end). Empty when the set is
     * written in the format with GTID tags (a non-zero format byte), which this reader does not take apart.
     */
    private static java.util.Optional<GtidPosition> previousGtids(byte[] body) throws NotABinlog {
        if (body.length < 8) {
            throw new NotABinlog("Previous_gtids event of " + body.length + " bytes");
        }
        if ((body[7] & 0xff) != 0) {
            return java.util.Optional.empty();
        }
        long sids = u64(body, 0);
        StringBuilder text = new StringBuilder();
        int at = 8;
        for (long i = 0; i < sids; i++) {
            if (at + 24 > body.length) {
                throw new NotABinlog("Previous_gtids event cut short at uuid " + i);
            }
            StringBuilder one = new StringBuilder(uuid(body, at));
            long intervals = u64(body, at + 16);
            at += 24;
            for (long k = 0; k < intervals; k++) {
                if (at + 16 > body.length) {
                    throw new NotABinlog("Previous_gtids event cut short at an interval");
                }
                long first = u64(body, at);
                long endExclusive = u64(body, at + 8);
                one.append(':').append(Long.toUnsignedString(first));
                if (endExclusive - 1 != first) {
                    one.append('-').append(Long.toUnsignedString(endExclusive - 1));
                }
                at += 16;
            }
            text.append(text.isEmpty() ? "" : ",").append(one);
        }
        return java.util.Optional.of(MysqlGtidSet.parse(text.toString()));
    }

    private static String uuid(byte[] b, int at) {
        StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(Character.forDigit((b[at + i] >> 4) & 0xf, 16)).append(Character.forDigit(b[at + i] & 0xf, 16));
        }
        return s.toString();
    }

    private static long skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    return n - left;
                }
                s = 1;
            }
            left -= s;
        }
        return n;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    private static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }
}
