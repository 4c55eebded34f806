package io.mysqlha.backup.binlog;

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
 * Reads a raw MariaDB binlog file (as the server writes it and {@code mariadb-binlog --raw} copies it) event by
 * event, from the v4 event headers alone, and reports its transactions: each GTID event starts one; an XID event,
 * a {@code COMMIT} query or, for a standalone GTID (DDL), the one event after it ends it. A file cut short (the
 * writer died mid-stream) ends at its last complete transaction: what follows is reported as not complete. Rows
 * are never decoded.
 */
public final class BinlogScanner {
    private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    private static final int HEADER = 19;
    private static final int QUERY_EVENT = 2;
    private static final int XID_EVENT = 16;
    private static final int GTID_EVENT = 162;
    private static final int FL_STANDALONE = 1;
    private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);
    /** A query event larger than this is not a COMMIT: only its end is looked at. */
    private static final int MAX_EVENT = 1 << 30;

    private BinlogScanner() {
    }

    /** One transaction: its GTID, its commit time (the GTID event's timestamp), and its bytes [start, end). */
    public record Transaction(long domain, long serverId, long seq, Instant time, long start, long end) {
        public String gtid() {
            return domain + "-" + serverId + "-" + seq;
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

    /** Thrown when the file is not a binlog at all, or its events make no sense. */
    public static final class NotABinlog extends IOException {
        NotABinlog(String message) {
            super(message);
        }
    }

    public static Scan scan(Path file, Consumer<Transaction> each) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return scan(in, each, file.toString());
        } catch (NotABinlog e) {
            throw new NotABinlog(file + ": " + e.getMessage());
        }
    }

    public static Scan scan(InputStream raw, Consumer<Transaction> each, String name) throws IOException {
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
        long domain = 0;
        long server = 0;
        long seq = 0;
        long time = 0;
        boolean standalone = false;
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
            if (type == GTID_EVENT || type == QUERY_EVENT) {
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
                domain = u32(body, 8);
                standalone = (body[12] & FL_STANDALONE) != 0;
                server = serverId;
                time = timestamp;
                eventsInTx = 0;
            } else if (txStart >= 0) {
                eventsInTx++;
                boolean ends = type == XID_EVENT || (type == QUERY_EVENT && isCommit(body))
                        || (standalone && eventsInTx == 1);
                if (ends) {
                    each.accept(new Transaction(domain, server, seq, Instant.ofEpochSecond(time), txStart, end));
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
        return endsWith(body, body.length) || endsWith(body, body.length - 4);
    }

    private static boolean endsWith(byte[] body, int end) {
        if (end < COMMIT.length) {
            return false;
        }
        return Arrays.equals(body, end - COMMIT.length, end, COMMIT, 0, COMMIT.length);
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
