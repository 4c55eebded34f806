package io.mysqlha.protocol;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.DbUser;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway asks a node for session tracking (each write's GTID, for causal reads) on behalf of clients that did
 * not negotiate it. Here the same statements run on the real server twice, one connection after the other: once with
 * the client's own capabilities, once with SESSION_TRACK and the gateway's tracking setup, whose frames then go through
 * the gateway's rewrite ({@link SessionTracking#strip}, on the frames {@link ResponseTracker} calls OK packets).
 * Every frame must come out byte for byte as the server sent it to the client directly, with and without
 * DEPRECATE_EOF: MySQL Connector/J fails on anything else ("Buffer length is less than expected payload length").
 */
class SessionTrackingIT {
    private static final String TRACK_LAST_GTID = "SET session_track_system_variables = CONCAT_WS(',',"
            + " NULLIF(@@session_track_system_variables, ''), 'last_gtid')";

    /** Statements of every kind of answer; %t is a table of the connection's own. */
    private static final List<String> CORPUS = List.of(
            "DROP TABLE IF EXISTS %t",
            "CREATE TABLE %t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20), u INT UNIQUE)",
            "INSERT INTO %t (v, u) VALUES ('a', 1), ('b', 2), ('c', 3)",
            "INSERT INTO %t (v, u) VALUES ('d', 4)",
            "UPDATE %t SET v = 'x' WHERE id <= 2",
            "UPDATE %t SET v = 'x' WHERE id <= 2",
            "INSERT IGNORE INTO %t (v, u) VALUES ('e', 1)",
            "SHOW WARNINGS",
            "REPLACE INTO %t (id, v, u) VALUES (1, 'r', 1)",
            "INSERT INTO %t (v, u) VALUES ('g', 1)",
            "SELECT id, v, u FROM %t ORDER BY id",
            "SELECT * FROM %t WHERE 1 = 0",
            "SELECT * FROM no_such_table",
            "SET @x = 1",
            "SET autocommit = 0",
            "INSERT INTO %t (v, u) VALUES ('f', 6)",
            "COMMIT",
            "SET autocommit = 1",
            "BEGIN",
            "INSERT INTO %t (v, u) VALUES ('h', 7)",
            "SAVEPOINT s1",
            "DELETE FROM %t WHERE u = 7",
            "ROLLBACK TO SAVEPOINT s1",
            "ROLLBACK",
            "START TRANSACTION READ ONLY",
            "SELECT COUNT(*) FROM %t",
            "COMMIT",
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "USE app",
            "SET NAMES utf8mb4",
            "SET time_zone = '+01:00'",
            "SELECT 1; SELECT 2; INSERT INTO %t (v, u) VALUES ('m', 8)",
            "INSERT INTO %t (v, u) VALUES ('n', 9); SELECT v FROM %t WHERE u = 9",
            "DELETE FROM %t WHERE id > 100",
            "DO 1",
            "DROP TABLE %t");

    @Test
    void anOkRewrittenForAClientWithoutSessionTrackingIsWhatTheServerSendsSuchAClient() throws IOException {
        ReplicationTopology t = SharedInfra.replicationTopology();
        MariaDbNode node = t.primary();
        DbUser app = t.users().app();
        int compared = 0;
        for (int eof : new int[] {0, Capabilities.DEPRECATE_EOF}) {
            // one connection after the other, on the same table: column definitions name it
            List<List<byte[]>> expected = new ArrayList<>();
            try (ServerConnection direct = connect(node, app, eof)) {
                for (String statement : CORPUS) {
                    expected.add(direct.query(statement.replace("%t", "ok_t")));
                }
            }
            try (ServerConnection tracked = connect(node, app, eof | Capabilities.SESSION_TRACK)) {
                tracked.query(TRACK_LAST_GTID);
                boolean sawState = false;
                for (int i = 0; i < CORPUS.size(); i++) {
                    List<byte[]> got = tracked.query(CORPUS.get(i).replace("%t", "ok_t"));
                    sawState |= got.stream().anyMatch(f -> carriesState(f, tracked.capabilities));
                    assertEquals(hex(expected.get(i)), rewritten(got, tracked.capabilities, SessionTracking::strip),
                            CORPUS.get(i) + " (DEPRECATE_EOF " + (eof != 0) + ")");
                    compared += got.size();
                }
                assertTrue(sawState, "the tracked connection's OK packets carried session state");
            }
        }
        assertTrue(compared > 2 * CORPUS.size(), compared + " frames compared");
    }

    @Test
    void anOkOfAClientWithSessionTrackingLosesOnlyTheGatewaysOwnEntries() throws IOException {
        ReplicationTopology t = SharedInfra.replicationTopology();
        MariaDbNode node = t.primary();
        DbUser app = t.users().app();
        for (int eof : new int[] {0, Capabilities.DEPRECATE_EOF}) {
            int caps = eof | Capabilities.SESSION_TRACK;
            List<List<byte[]>> expected = new ArrayList<>();
            try (ServerConnection direct = connect(node, app, caps)) {
                for (String statement : CORPUS) {
                    expected.add(direct.query(statement.replace("%t", "ok_t")));
                }
            }
            try (ServerConnection tracked = connect(node, app, caps)) {
                tracked.query(TRACK_LAST_GTID);
                for (int i = 0; i < CORPUS.size(); i++) {
                    List<byte[]> got = tracked.query(CORPUS.get(i).replace("%t", "ok_t"));
                    // the server lists tracked variables in its own order, which differs once last_gtid is in the
                    // list: entries are compared in one order, every other byte as sent
                    assertEquals(canonical(hex(expected.get(i)), caps),
                            canonical(rewritten(got, caps, SessionTracking::dropGtids), caps),
                            CORPUS.get(i) + " (DEPRECATE_EOF " + (eof != 0) + ")");
                }
            }
        }
    }

    private static ServerConnection connect(MariaDbNode node, DbUser user, int capabilities) throws IOException {
        return new ServerConnection(node.port(), user.name(), user.password().reveal(), "app",
                ServerConnection.BASE | capabilities);
    }

    /** The frames as the gateway passes them on, its rewrite applied to the OK packets. */
    private static List<String> rewritten(List<byte[]> frames, int capabilities,
                                          java.util.function.Consumer<ByteBuf> rewrite) {
        ResponseTracker gateway = new ResponseTracker(capabilities);
        gateway.begin(Command.QUERY);
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            ByteBuf frame = Unpooled.copiedBuffer(f);
            gateway.onFrame(frame);
            if (gateway.lastFrameWasOk()) {
                rewrite.accept(frame);
            }
            out.add(ByteBufUtil.hexDump(frame));
        }
        return out;
    }

    private static boolean carriesState(byte[] frame, int capabilities) {
        int first = frame[Frames.HEADER] & 0xff;
        if (first != OkPacket.MARKER && !(first == OkPacket.EOF_MARKER && frame.length - Frames.HEADER >= 7
                && Capabilities.has(capabilities, Capabilities.DEPRECATE_EOF))) {
            return false;
        }
        try {
            return OkPacket.decode(ServerConnection.payload(frame), capabilities).sessionStateChanges() != null;
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            return false; // a row or a prepare answer
        }
    }

    /** OK frames with session state, their entries sorted; other frames as they are. */
    private static List<String> canonical(List<String> frames, int capabilities) {
        return frames.stream().map(h -> {
            byte[] f = java.util.HexFormat.of().parseHex(h.replace(" ", ""));
            if (!carriesState(f, capabilities)) {
                return h;
            }
            OkPacket ok = OkPacket.decode(ServerConnection.payload(f), capabilities);
            ByteBuf changes = Unpooled.wrappedBuffer(ok.sessionStateChanges());
            List<String> entries = new ArrayList<>();
            while (changes.isReadable()) {
                int from = changes.readerIndex();
                changes.skipBytes(1);
                changes.skipBytes((int) Buffers.readLenenc(changes));
                entries.add(ByteBufUtil.hexDump(changes, from, changes.readerIndex() - from));
            }
            entries.sort(null);
            return new OkPacket(ok.header(), ok.affectedRows(), ok.lastInsertId(), ok.statusFlags(), ok.warnings(),
                    ok.info(), null) + " " + entries;
        }).toList();
    }

    private static List<String> hex(List<byte[]> frames) {
        return frames.stream().map(ByteBufUtil::hexDump).toList();
    }
}
