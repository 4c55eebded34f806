package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseTrackerTest {

    private static int caps(String exchange) {
        return HandshakeResponse41Packet.decode(Captured.from(exchange, "client").getFirst().payload()).capabilities();
    }

    /** Indexes (in the given frames) where a response was complete. */
    private static List<Integer> ends(ResponseTracker t, List<ByteBuf> frames) {
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (t.onFrame(frames.get(i))) {
                ends.add(i);
            }
        }
        return ends;
    }

    /**
     * The same, as a proxy follows a run of frames read together: {@link ResponseTracker#onPlainFrame} first (at each
     * frame's index in the run), {@link ResponseTracker#onFrame} for the frames it leaves. {@code plain} collects the
     * indexes it took.
     */
    private static List<Integer> endsInRun(ResponseTracker t, List<ByteBuf> frames, List<Integer> plain) {
        ByteBuf run = Unpooled.buffer();
        List<Integer> starts = new ArrayList<>();
        for (ByteBuf f : frames) {
            starts.add(run.writerIndex());
            run.writeBytes(f, f.readerIndex(), f.readableBytes());
        }
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            int at = starts.get(i);
            if (t.onPlainFrame(run, at)) {
                plain.add(i);
            } else if (t.onFrame(run.slice(at, Frames.lengthAt(run, at)))) {
                ends.add(i);
            }
        }
        return ends;
    }

    private static List<ByteBuf> server(String exchange, int from) {
        return Captured.from(exchange, "server").stream().skip(from).map(Captured.Frame::frame).toList();
    }

    private static ByteBuf frame(int seq, byte... payload) {
        ByteBuf b = Unpooled.buffer();
        Frames.write(b, Unpooled.wrappedBuffer(payload), seq);
        return b;
    }

    /** A column definition of catalog "def" and nothing else: enough for the tracker, which only counts it. */
    private static ByteBuf column(int seq) {
        return frame(seq, (byte) 3, (byte) 'd', (byte) 'e', (byte) 'f');
    }

    /** ERR 1064, SQLSTATE HY000. */
    private static ByteBuf err(int seq) {
        return frame(seq, (byte) 0xff, (byte) 0x28, (byte) 0x04, (byte) '#', (byte) 'H', (byte) 'Y', (byte) '0',
                (byte) '0', (byte) '0', (byte) '!');
    }

    private static ByteBuf ok(int seq, int status, int caps) {
        ByteBuf p = Unpooled.buffer();
        new OkPacket(0, 0, 0, status, 0, "", null).encode(p, caps);
        ByteBuf b = Unpooled.buffer();
        Frames.write(b, p, seq);
        return b;
    }

    @Test
    void shouldEndATextResultSetAtItsSecondEofWithoutDeprecateEof() {
        ResponseTracker t = new ResponseTracker(caps("cli"));
        assertTrue(t.begin(Command.QUERY));
        assertEquals(List.of(5), ends(t, server("cli", 2)), "column count, 2 definitions, EOF, row, EOF");
        assertFalse(t.busy());
        assertEquals(ServerStatus.AUTOCOMMIT, t.statusFlags());
    }

    /**
     * Connector/J's capture: a query answered (an OK with session state changes), then a prepare and an execute
     * pipelined, whose answers are {@code server("cj", 3)}.
     */
    private static ResponseTracker connectorJPipelined() {
        int caps = caps("cj");
        assertTrue(Capabilities.has(caps, Capabilities.DEPRECATE_EOF));
        ResponseTracker t = new ResponseTracker(caps);
        t.begin(Command.QUERY);
        assertEquals(List.of(0), ends(t, server("cj", 2).subList(0, 1)), "an OK with session state changes");
        t.begin(Command.STMT_PREPARE);
        t.begin(Command.STMT_EXECUTE);
        return t;
    }

    @Test
    void shouldFollowConnectorJsPipelinedPrepareAndExecuteWithDeprecateEof() {
        ResponseTracker t = connectorJPipelined();
        assertEquals(2, t.pending());
        assertEquals(List.of(3, 8), ends(t, server("cj", 3)),
                "prepare: OK + 1 param + 2 columns; execute: count, 2 columns, a binary row, OK-EOF");
        assertFalse(t.busy());
        assertFalse(t.lastWasError());
    }

    @Test
    void shouldFollowMoreResultsAndStopAtAnError() {
        int caps = Capabilities.GATEWAY;
        ResponseTracker t = new ResponseTracker(caps);
        t.begin(Command.QUERY);
        assertFalse(t.onFrame(ok(1, ServerStatus.AUTOCOMMIT | ServerStatus.MORE_RESULTS_EXISTS, caps)));
        assertFalse(t.onFrame(frame(2, (byte) 1)), "column count 1");
        assertFalse(t.onFrame(column(3)));
        assertFalse(t.onFrame(frame(4, (byte) 1, (byte) '1')), "a row");
        assertTrue(t.onFrame(err(5)), "an ERR ends the response even mid-rows");
        assertTrue(t.lastWasError());
        assertFalse(t.busy());
    }

    @Test
    void shouldNotTakeTheMiddleOfALargeRowForItsEnd() {
        int caps = Capabilities.GATEWAY;
        ResponseTracker t = new ResponseTracker(caps);
        t.begin(Command.QUERY);
        t.onFrame(frame(1, (byte) 1));
        t.onFrame(column(2));
        ByteBuf full = Unpooled.buffer();
        full.writeMediumLE(Frames.MAX_PAYLOAD).writeByte(3).writeByte(0xfe).writeZero(Frames.MAX_PAYLOAD - 1);
        assertFalse(t.onFrame(full), "a row whose length starts with 0xfe: 16 MiB, continues");
        assertFalse(t.onFrame(frame(4, (byte) 0xfe, (byte) 0, (byte) 0, (byte) 2, (byte) 0)),
                "the row's tail, however it starts");
        assertTrue(t.onFrame(ok(5, ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS, caps)
                .setByte(Frames.HEADER, 0xfe)), "then the OK-EOF");
        assertTrue(t.inTransaction());
        full.release();
    }

    @Test
    void shouldPassRowsAndColumnDefinitionsButNotWhatEndsThem() {
        ResponseTracker t = new ResponseTracker(caps("cli"));
        t.begin(Command.QUERY);
        List<Integer> plain = new ArrayList<>();
        assertEquals(List.of(5), endsInRun(t, server("cli", 2), plain), "column count, 2 definitions, EOF, row, EOF");
        assertEquals(List.of(0, 1, 2, 4), plain, "the column count, both definitions and the row; not the EOFs");
        assertEquals(1, t.takeRows());
        assertEquals(ServerStatus.AUTOCOMMIT, t.statusFlags());

        ResponseTracker cj = connectorJPipelined();
        plain.clear();
        assertEquals(List.of(3, 8), endsInRun(cj, server("cj", 3), plain), "the same ends as frame by frame");
        assertEquals(List.of(4, 5, 6, 7), plain, "prepare's answer goes to onFrame; the execute's column count,"
                + " definitions and binary row pass, not its OK-EOF");
        assertFalse(cj.busy());
    }

    @Test
    void shouldLeaveAnErrorMidRowsAndALargeRowToOnFrame() {
        int caps = Capabilities.GATEWAY;
        ResponseTracker t = new ResponseTracker(caps);
        t.begin(Command.QUERY);
        List<Integer> plain = new ArrayList<>();
        assertEquals(List.of(3), endsInRun(t, List.of(frame(1, (byte) 1), column(2), frame(3, (byte) 1, (byte) '1'),
                err(4)), plain));
        assertEquals(List.of(0, 1, 2), plain, "all but the ERR");
        assertTrue(t.lastWasError());

        t.begin(Command.QUERY);
        ByteBuf full = Unpooled.buffer();
        full.writeMediumLE(Frames.MAX_PAYLOAD).writeByte(3).writeByte(1).writeZero(Frames.MAX_PAYLOAD - 1);
        plain.clear();
        assertEquals(List.of(4), endsInRun(t, List.of(frame(1, (byte) 1), column(2), full, frame(4, (byte) 0xfe, (byte) 0, (byte) 0, (byte) 2, (byte) 0),
                ok(5, ServerStatus.AUTOCOMMIT, caps).setByte(Frames.HEADER, 0xfe)), plain));
        assertEquals(List.of(0, 1), plain, "a 16 MiB row's first part and its tail go to onFrame");
        full.release();
    }

    @Test
    void shouldTakeACursorsFetchForRowsThenEof() {
        ResponseTracker t = new ResponseTracker(Capabilities.GATEWAY & ~Capabilities.DEPRECATE_EOF);
        t.begin(Command.STMT_FETCH);
        List<Integer> plain = new ArrayList<>();
        ByteBuf eof = frame(3, (byte) 0xfe, (byte) 0, (byte) 0,
                (byte) (ServerStatus.AUTOCOMMIT | ServerStatus.CURSOR_EXISTS), (byte) 0);
        assertEquals(List.of(2), endsInRun(t, List.of(frame(1, (byte) 0, (byte) 0, (byte) 7, (byte) 0, (byte) 0,
                (byte) 0), frame(2, (byte) 0, (byte) 0, (byte) 8, (byte) 0, (byte) 0, (byte) 0), eof), plain),
                "two binary rows (their header byte is 0x00, not an OK), then the EOF");
        assertEquals(List.of(0, 1), plain);
        assertEquals(2, t.takeRows());
        assertFalse(t.busy());
    }

    @Test
    void shouldExpectNothingForStmtCloseAndOnePacketForPing() {
        ResponseTracker t = new ResponseTracker(Capabilities.GATEWAY);
        assertFalse(t.begin(Command.STMT_CLOSE));
        assertFalse(t.busy());
        assertTrue(t.begin(Command.PING));
        assertTrue(t.onFrame(ok(1, ServerStatus.AUTOCOMMIT, Capabilities.GATEWAY)));
    }

    @Test
    void aLocalInfileRequestWaitsForTheClientsFileWhateverItsSequenceIdsThenTheServersAnswer() {
        ResponseTracker t = new ResponseTracker(Capabilities.GATEWAY);
        assertTrue(t.begin(Command.QUERY));
        assertFalse(t.onFrame(frame(1, (byte) 0xfb, (byte) '/', (byte) 'f')), "the server asks for the file");
        assertTrue(t.awaitsFile());
        for (int i = 0; i < 300; i++) { // past 255 the client's sequence ids wrap to 0: still file data
            t.fileData(8192);
            assertTrue(t.awaitsFile());
        }
        t.fileData(Frames.MAX_PAYLOAD);
        t.fileData(0); // the end of that large packet, not of the file
        assertTrue(t.awaitsFile());
        t.fileData(0); // the file's end
        assertFalse(t.awaitsFile());
        assertTrue(t.onFrame(ok(47, ServerStatus.AUTOCOMMIT, Capabilities.GATEWAY)), "the server's OK ends it");
        assertFalse(t.busy());
    }

    @Test
    void notesWhatAnAnswerLeavesThatTheNextStatementMayAskAbout() {
        ResponseTracker t = new ResponseTracker(Capabilities.PROTOCOL_41 | Capabilities.DEPRECATE_EOF);
        t.begin(Command.QUERY);
        // OK: 1 row affected, last insert id 7, status AUTOCOMMIT, no warnings
        assertTrue(t.onFrame(frame(1, (byte) 0, (byte) 1, (byte) 7, (byte) 2, (byte) 0, (byte) 0, (byte) 0)));
        assertEquals(ResponseTracker.INSERT_ID, t.takeAftermath());
        assertEquals(0, t.takeAftermath(), "taken once");
        t.begin(Command.QUERY);
        // OK with 1 warning
        assertTrue(t.onFrame(frame(1, (byte) 0, (byte) 0, (byte) 0, (byte) 2, (byte) 0, (byte) 1, (byte) 0)));
        assertEquals(ResponseTracker.WARNINGS, t.takeAftermath());
        t.begin(Command.QUERY);
        assertTrue(t.onFrame(err(1)));
        assertEquals(ResponseTracker.WARNINGS, t.takeAftermath(), "an error: SHOW WARNINGS may follow");
        t.begin(Command.QUERY);
        assertTrue(t.onFrame(frame(1, (byte) 0, (byte) 0, (byte) 0, (byte) 2, (byte) 0, (byte) 0, (byte) 0)));
        assertEquals(0, t.takeAftermath(), "a plain OK leaves nothing");
    }
}
