package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a server's response to each command ends, frame by frame, reading only headers and the few bytes of
 * OK, EOF and ERR packets (rows are never decoded): result sets (text and binary, several with MORE_RESULTS),
 * COM_STMT_PREPARE's parameter and column definitions, COM_FIELD_LIST, single-packet replies. Keeps the server
 * status flags of the last OK or EOF (in transaction, autocommit). Clients may pipeline (MariaDB Connector/J sends
 * COM_STMT_PREPARE and COM_STMT_EXECUTE without waiting): pending commands are answered in order. MySQL docs: "Text Resultset", "Binary Protocol
 * Resultset", "COM_STMT_PREPARE Response", "EOF_Packet" (DEPRECATE_EOF).
 */
public final class ResponseTracker {
    private enum State { IDLE, FIRST, COLUMNS, COLUMNS_EOF, ROWS, PREPARE_DEFS, SINGLE, FIELDS }

    private final boolean deprecateEof;
    private final java.util.ArrayDeque<Integer> pending = new java.util.ArrayDeque<>();
    private State state = State.IDLE;
    private int command = -1;
    private long remaining;
    private long columnsAfterParams;
    private boolean continuation;
    private int statusFlags = ServerStatus.AUTOCOMMIT;
    private boolean lastWasError;
    private long rows;
    private boolean okFrame;
    private boolean fileRequested;
    private boolean fileContinues;
    /** What the answers since the last {@link #takeAftermath()} left that a next statement may ask about. */
    private int aftermath;

    /** An answer had warnings, or was an error: SHOW WARNINGS / GET DIAGNOSTICS may follow. */
    public static final int WARNINGS = 1;
    /** An OK carried a last insert id: LAST_INSERT_ID() may follow. */
    public static final int INSERT_ID = 2;

    public ResponseTracker(int capabilities) {
        this.deprecateEof = Capabilities.has(capabilities, Capabilities.DEPRECATE_EOF);
    }

    /** A command went to the server; returns false when the server sends nothing back for it. */
    public boolean begin(int command) {
        if (!Command.hasResponse(command)) {
            return false;
        }
        pending.addLast(command);
        if (pending.size() == 1) {
            start(command);
        }
        return true;
    }

    private void start(int command) {
        this.command = command;
        this.continuation = false;
        state = switch (command) {
            case Command.QUERY, Command.STMT_EXECUTE, Command.STMT_BULK_EXECUTE, Command.PROCESS_INFO,
                 Command.STMT_PREPARE -> State.FIRST;
            case Command.STMT_FETCH -> State.ROWS; // a cursor's rows, then an EOF: the columns came with the execute
            case Command.FIELD_LIST -> State.FIELDS;
            default -> State.SINGLE;
        };
    }

    /** Whether the next frame is the first of the answer to {@code command} (the oldest pending one). */
    public boolean atStartOf(int command) {
        return state == State.FIRST && this.command == command && !continuation;
    }

    /**
     * Whether the server asked for a LOCAL INFILE file and the client has not sent its end yet: every packet of the
     * client until then is the file's data, whatever its sequence id (which wraps past 255 in a large file).
     */
    public boolean awaitsFile() {
        return fileRequested;
    }

    /**
     * A packet of the client's file data went by: an empty one ends the file, unless it ends a packet of the
     * maximum size (a large packet's last part).
     */
    public void fileData(int payloadLength) {
        if (payloadLength == 0 && !fileContinues) {
            fileRequested = false;
        }
        fileContinues = payloadLength == Frames.MAX_PAYLOAD;
    }

    /** Whether the last frame was an OK packet (0x00, or 0xfe ending rows with DEPRECATE_EOF). */
    public boolean lastFrameWasOk() {
        return okFrame;
    }

    /** Commands sent and not yet fully answered. */
    public int pending() {
        return pending.size();
    }

    public boolean busy() {
        return !pending.isEmpty();
    }

    /** Status flags of the last OK or EOF the server sent. */
    public int statusFlags() {
        return statusFlags;
    }

    public boolean inTransaction() {
        return ServerStatus.has(statusFlags, ServerStatus.IN_TRANS);
    }

    /** Rows the server sent since the last {@link #takeRows()} (result set rows, not column definitions). */
    public long takeRows() {
        long r = rows;
        rows = 0;
        return r;
    }

    /**
     * What the answers since the last call left on their connection that a next statement may ask about there
     * ({@link #WARNINGS}, {@link #INSERT_ID}), and forgets it.
     */
    public int takeAftermath() {
        int a = aftermath;
        aftermath = 0;
        return a;
    }

    /** Whether the last complete response ended in an ERR packet. */
    public boolean lastWasError() {
        return lastWasError;
    }

    /**
     * One frame of the response, as it goes by (not consumed). Returns true when it was the last frame of the
     * oldest pending command's response.
     */
    public boolean onFrame(ByteBuf frame) {
        okFrame = false;
        if (state == State.IDLE) {
            throw new ProtocolException("the server sent a packet while no command was pending");
        }
        int length = Frames.payloadLength(frame);
        boolean continues = length == Frames.MAX_PAYLOAD;
        if (continuation) {
            continuation = continues;
            // the middle of a large packet: only rows and column definitions are ever that large
            return false;
        }
        continuation = continues;
        int first = Frames.firstByte(frame);
        int at = frame.readerIndex() + Frames.HEADER;
        if (first == ErrPacket.MARKER) { // no row, column definition or prepare reply starts with 0xff
            return finish(true);
        }
        switch (state) {
            case SINGLE -> {
                if (first == OkPacket.MARKER) {
                    okFrame = true;
                    statusFlags = okStatus(frame, at);
                } else if (EofPacket.is(first, length)) {
                    statusFlags = eofStatus(frame, at);
                }
                return finish(false);
            }
            case FIRST -> {
                if (first == OkPacket.MARKER && command != Command.STMT_PREPARE) {
                    okFrame = true;
                    statusFlags = okStatus(frame, at);
                    return more();
                }
                if (command == Command.STMT_PREPARE) {
                    int columns = frame.getUnsignedShortLE(at + 5);
                    int params = frame.getUnsignedShortLE(at + 7);
                    remaining = params + (params > 0 && !deprecateEof ? 1 : 0);
                    columnsAfterParams = columns + (columns > 0 && !deprecateEof ? 1 : 0);
                    remaining += columnsAfterParams;
                    state = State.PREPARE_DEFS;
                    return remaining == 0 && finish(false);
                }
                if (first == 0xfb) {
                    // LOCAL INFILE: the client sends the file, then the server answers OK or ERR
                    fileRequested = true;
                    fileContinues = false;
                    return false;
                }
                ByteBuf payload = frame.slice(at, length);
                remaining = Buffers.readLenenc(payload);
                state = State.COLUMNS;
                return false;
            }
            case COLUMNS -> {
                if (--remaining == 0) {
                    state = deprecateEof ? State.ROWS : State.COLUMNS_EOF;
                }
                return false;
            }
            case COLUMNS_EOF -> {
                statusFlags = eofStatus(frame, at);
                if (ServerStatus.has(statusFlags, ServerStatus.CURSOR_EXISTS)) {
                    return finish(false); // a cursor: rows come with COM_STMT_FETCH
                }
                state = State.ROWS;
                return false;
            }
            case ROWS, FIELDS -> {
                if (first == 0xfe && (deprecateEof ? length < Frames.MAX_PAYLOAD : length < 9)) {
                    okFrame = deprecateEof && length >= 7;
                    statusFlags = okFrame ? okStatus(frame, at) : eofStatus(frame, at);
                    return state == State.FIELDS ? finish(false) : more();
                }
                if (state == State.ROWS) {
                    rows++;
                }
                return false;
            }
            case PREPARE_DEFS -> {
                return --remaining == 0 && finish(false);
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /**
     * The frame at {@code at} in {@code frames} when it is a result set's column count (below 251), a column
     * definition or a row, which {@link #onFrame} would only count: follows it as onFrame would and returns true.
     * Otherwise changes nothing and returns false, and the frame goes to {@link #onFrame}. A proxy passes such frames
     * on without looking further, and without a buffer of their own.
     */
    public boolean onPlainFrame(ByteBuf frames, int at) {
        boolean count = state == State.FIRST && command != Command.STMT_PREPARE;
        if (continuation || state != State.ROWS && state != State.COLUMNS && !count) {
            return false;
        }
        int length = frames.getUnsignedMediumLE(at);
        int first = length == 0 ? -1 : frames.getUnsignedByte(at + Frames.HEADER);
        if (length == Frames.MAX_PAYLOAD || first == ErrPacket.MARKER
                || state == State.ROWS && first == 0xfe && (deprecateEof || length < 9)
                || count && (first <= OkPacket.MARKER || first >= 0xfb)) {
            // a large packet's first part, an error, what may end the rows, or an OK, LOCAL INFILE or a column count
            // past one byte where a count was due: onFrame reads it
            return false;
        }
        okFrame = false;
        switch (state) {
            case FIRST -> {
                remaining = first;
                state = State.COLUMNS;
            }
            case COLUMNS -> {
                if (--remaining == 0) {
                    state = deprecateEof ? State.ROWS : State.COLUMNS_EOF;
                }
            }
            default -> rows++;
        }
        return true;
    }

    private boolean more() {
        if (ServerStatus.has(statusFlags, ServerStatus.MORE_RESULTS_EXISTS)) {
            state = State.FIRST;
            return false;
        }
        return finish(false);
    }

    private boolean finish(boolean error) {
        lastWasError = error;
        if (error) {
            aftermath |= WARNINGS;
        }
        fileRequested = false;
        pending.pollFirst();
        state = State.IDLE;
        if (!pending.isEmpty()) {
            start(pending.peekFirst());
        }
        return true;
    }

    /**
     * The status flags of an OK packet: after the header and two length-encoded integers (affected rows, last insert
     * id); its warnings and last insert id are noted.
     */
    private int okStatus(ByteBuf frame, int at) {
        ByteBuf p = frame.slice(at, Frames.payloadLength(frame));
        p.skipBytes(1);
        Buffers.readLenenc(p);
        if (Buffers.readLenenc(p) != 0) {
            aftermath |= INSERT_ID;
        }
        int status = p.readUnsignedShortLE();
        if (p.readableBytes() >= 2 && p.readUnsignedShortLE() != 0) {
            aftermath |= WARNINGS;
        }
        return status;
    }

    /** The status flags of an EOF packet (header, warnings, status); its warnings are noted. */
    private int eofStatus(ByteBuf frame, int at) {
        if (frame.getUnsignedShortLE(at + 1) != 0) {
            aftermath |= WARNINGS;
        }
        return frame.getUnsignedShortLE(at + 3);
    }
}
