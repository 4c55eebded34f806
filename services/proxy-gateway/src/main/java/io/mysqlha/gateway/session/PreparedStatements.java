package io.mysqlha.gateway.session;

import io.mysqlha.gateway.sql.Statement;
import io.mysqlha.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A session's prepared statements under ids the gateway gives the client, each mapped to the id it has on every
 * backend connection it was prepared on. A statement prepared for reads can so execute on the reader, and every
 * statement survives the session moving to another node: it is prepared again there, from its text, the first time
 * it is used. The parameter types a client sends once (COM_STMT_EXECUTE's new-params-bound flag) are kept and given
 * to a backend that never saw them. Event-loop confined.
 */
final class PreparedStatements {
    /** MariaDB's COM_STMT_EXECUTE id for "the statement just prepared" (pipelined after its COM_STMT_PREPARE). */
    static final int LAST_PREPARED = -1;

    static final class Prepared {
        final int clientId;
        final String sql;
        final Statement statement;
        final int params;
        byte[] types;
        final Map<BackendSession, Integer> ids = new IdentityHashMap<>();
        final Set<BackendSession> typed = Collections.newSetFromMap(new IdentityHashMap<>());
        final Set<BackendSession> failed = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean longData;
        BackendSession lastExecutedOn;

        Prepared(int clientId, String sql, Statement statement, int params) {
            this.clientId = clientId;
            this.sql = sql;
            this.statement = statement;
            this.params = params;
        }
    }

    private final Map<Integer, Prepared> byClient = new HashMap<>();
    private int nextId;

    /** A statement the backend prepared under {@code backendId}: the id the client is given. */
    Prepared prepared(BackendSession on, int backendId, String sql, Statement statement, int params) {
        do {
            nextId = nextId == Integer.MAX_VALUE ? 1 : nextId + 1;
        } while (byClient.containsKey(nextId));
        Prepared p = new Prepared(nextId, sql, statement, params);
        p.ids.put(on, backendId);
        byClient.put(p.clientId, p);
        return p;
    }

    Prepared get(int clientId) {
        return byClient.get(clientId);
    }

    void remove(int clientId) {
        byClient.remove(clientId);
    }

    /** A backend connection is gone: what was prepared on it is too. */
    void forget(BackendSession b) {
        for (Prepared p : byClient.values()) {
            p.ids.remove(b);
            p.typed.remove(b);
            p.failed.remove(b);
            if (p.lastExecutedOn == b) {
                p.lastExecutedOn = null;
            }
        }
    }

    /** COM_RESET_CONNECTION: the node closes them all. */
    void clear() {
        byClient.clear();
    }

    int size() {
        return byClient.size();
    }

    // --- the frames: [length 3][seq 1][command 1][statement id 4 LE]... ---

    static int statementId(ByteBuf frame) {
        return frame.getIntLE(frame.readerIndex() + Frames.HEADER + 1);
    }

    static void statementId(ByteBuf frame, int id) {
        frame.setIntLE(frame.readerIndex() + Frames.HEADER + 1, id);
    }

    /** COM_STMT_EXECUTE's flags byte (cursor type: 0 for none). */
    static int executeFlags(ByteBuf frame) {
        return frame.getUnsignedByte(frame.readerIndex() + Frames.HEADER + 5);
    }

    /** Where COM_STMT_EXECUTE's new-params-bound flag is: after id, flags, iteration count and the NULL bitmap. */
    private static int boundFlagAt(ByteBuf frame, int params) {
        return frame.readerIndex() + Frames.HEADER + 1 + 4 + 1 + 4 + (params + 7) / 8;
    }

    /** The parameter types an execute sends (2 bytes per parameter), or null when it sends none. */
    static byte[] types(ByteBuf frame, int params) {
        int at = boundFlagAt(frame, params);
        int end = frame.readerIndex() + Frames.HEADER + Frames.payloadLength(frame);
        if (params == 0 || at >= end || frame.getByte(at) != 1 || at + 1 + 2 * params > end) {
            return null;
        }
        byte[] types = new byte[2 * params];
        frame.getBytes(at + 1, types);
        return types;
    }

    /**
     * The same execute with the types inserted (for a backend that never got them), or null when it cannot be
     * rewritten (its flag is not where it should be, or it would not fit one packet). Releases the original when it
     * returns a new one.
     */
    static ByteBuf withTypes(ByteBuf frame, int params, byte[] types, ByteBufAllocator alloc) {
        int at = boundFlagAt(frame, params);
        int length = Frames.payloadLength(frame);
        int end = frame.readerIndex() + Frames.HEADER + length;
        if (at >= end || frame.getByte(at) != 0 || length + types.length >= Frames.MAX_PAYLOAD) {
            return null;
        }
        int newLength = length + types.length;
        ByteBuf out = alloc.buffer(Frames.HEADER + newLength);
        out.writeMediumLE(newLength);
        out.writeByte(Frames.sequenceId(frame));
        out.writeBytes(frame, frame.readerIndex() + Frames.HEADER, at - frame.readerIndex() - Frames.HEADER);
        out.writeByte(1);
        out.writeBytes(types);
        out.writeBytes(frame, at + 1, end - at - 1);
        frame.release();
        return out;
    }
}
