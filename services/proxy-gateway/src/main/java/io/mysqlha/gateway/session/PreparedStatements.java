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
        /** How pooled connections' caches find it, for the schema it was last looked up in. */
        private String key;
        private String keySchema;

        Prepared(int clientId, String sql, Statement statement, int params) {
            this.clientId = clientId;
            this.sql = sql;
            this.statement = statement;
            this.params = params;
        }

        /** Its key in a pooled connection's {@link StatementCache} for {@code schema} (computed once per schema). */
        String key(String schema) {
            if (!schema.equals(keySchema)) {
                keySchema = schema;
                key = StatementCache.key(schema, sql);
            }
            return key;
        }
    }

    private final Map<Integer, Prepared> byClient = new HashMap<>();
    private final java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>();
    /** A copy of the execute MariaDB Connector/J pipelines behind a prepare (id -1), for its parameter types. */
    private ByteBuf pipelined;
    private int nextId;

    /** A COM_STMT_PREPARE of this text went to the writer; its answer comes in order. */
    void sent(String sql) {
        pending.addLast(sql);
    }

    /**
     * An execute of "the statement just prepared": its parameter types are read once the prepare's answer says
     * how many there are.
     */
    void pipelinedExecute(ByteBuf frame) {
        if (!pending.isEmpty() && Frames.payloadLength(frame) < 65_536) {
            if (pipelined != null) {
                pipelined.release();
            }
            pipelined = frame.copy();
        }
    }

    /**
     * The first frame of the answer to a COM_STMT_PREPARE from {@code b}: the statement is registered and the client
     * gets the gateway's id for it, written into the frame.
     */
    boolean answered(BackendSession b, ByteBuf frame, io.mysqlha.gateway.sql.Classifier classifier) {
        String sql = pending.pollFirst();
        if (Frames.firstByte(frame) != io.mysqlha.protocol.OkPacket.MARKER || sql == null
                || Frames.payloadLength(frame) < 9) {
            return false;
        }
        int at = frame.readerIndex() + Frames.HEADER;
        int backendId = frame.getIntLE(at + 1);
        // the same text prepared again while the first is open: two statements on the node, each with its own
        // cursor and data, so this one is the session's own there (not shared; the session stays on the connection)
        boolean own = b.stmtCache == null || byClient.values().stream().anyMatch(o -> o.sql.equals(sql));
        Prepared p = prepared(own ? b : null, backendId, sql, classifier.classify(sql),
                frame.getUnsignedShortLE(at + 7));
        StatementCache.Entry cached = own ? null : b.stmtCache.put(p.key(b.schema()), backendId, b.state());
        frame.setIntLE(at + 1, p.clientId);
        if (pipelined != null && pending.isEmpty()) {
            p.types = types(pipelined, p.params);
            if (p.types != null) {
                p.typed.add(b);
                if (cached != null) {
                    cached.types = p.types;
                }
            }
            pipelined.release();
            pipelined = null;
        }
        return own && b.stmtCache != null;
    }

    /**
     * The id {@code p} has on {@code b}: from the connection's cache when it is pooled (any session may have
     * prepared it there), else from what this session prepared there; null when it is not prepared there.
     */
    static Integer idOn(Prepared p, BackendSession b) {
        Integer own = p.ids.get(b);
        if (own != null) {
            return own;
        }
        StatementCache.Entry shared = sharedOn(p, b);
        return shared == null ? null : shared.id;
    }

    /**
     * The statement {@code p} shares with other sessions on {@code b}: null when {@code b} is not pooled, when the
     * session has one of its own there, or when none is prepared there.
     */
    private static StatementCache.Entry sharedOn(Prepared p, BackendSession b) {
        return b.stmtCache == null || p.ids.containsKey(b) ? null : b.stmtCache.get(p.key(b.schema()), b.state());
    }

    /**
     * A statement the gateway prepared for {@code p} on {@code b} under {@code backendId}: shared in a pooled
     * connection's cache unless {@code own} (the session's alone, as on a connection of its own).
     */
    static void preparedOn(Prepared p, BackendSession b, int backendId, boolean own) {
        if (b.stmtCache == null || own) {
            p.ids.put(b, backendId);
        } else {
            b.stmtCache.put(p.key(b.schema()), backendId, b.state());
        }
    }

    /** Whether an execute is to wait for its data sent in pieces (COM_STMT_SEND_LONG_DATA): it stays where that is. */
    boolean longDataPending() {
        for (Prepared p : byClient.values()) {
            if (p.longData) {
                return true;
            }
        }
        return false;
    }

    /**
     * The frame to send {@code p}'s command to {@code t} as {@code backendId}: with the parameter types when that
     * backend never got them (and they are known), and what it changes noted (where it last ran, long data).
     */
    ByteBuf mapTo(ByteBuf frame, int command, Prepared p, BackendSession t, int backendId, ByteBufAllocator alloc) {
        ByteBuf out = frame;
        if (command == io.mysqlha.protocol.Command.STMT_EXECUTE && p.params > 0) {
            // shared on a pooled connection: the types the node last got for it may be another session's
            StatementCache.Entry shared = sharedOn(p, t);
            byte[] sent = types(frame, p.params);
            if (sent != null) {
                p.types = sent;
                if (shared != null) {
                    shared.types = sent;
                } else {
                    p.typed.add(t);
                }
            } else if (shared != null ? StatementCache.needsTypes(shared, p.types)
                    : p.types != null && !p.typed.contains(t)) {
                ByteBuf rebuilt = withTypes(frame, p.params, p.types, alloc);
                if (rebuilt != null) {
                    out = rebuilt;
                    if (shared == null) {
                        p.typed.add(t);
                    }
                } else if (shared != null) {
                    shared.types = null; // not sent after all
                }
            }
        }
        if (command == io.mysqlha.protocol.Command.STMT_EXECUTE) {
            p.longData = false;
            p.lastExecutedOn = t;
        } else if (command == io.mysqlha.protocol.Command.STMT_SEND_LONG_DATA) {
            p.longData = true; // its execute stays where the data went
        }
        statementId(out, backendId);
        return out;
    }

    /** No prepare is waiting for its answer: nothing would be lost with the connection. */
    boolean settled() {
        return pending.isEmpty() && pipelined == null;
    }

    /** The writer connection is gone with the answers it owed. */
    void writerLost() {
        pending.clear();
    }

    /** The session ended. */
    void close() {
        if (pipelined != null) {
            pipelined.release();
            pipelined = null;
        }
    }

    /**
     * A statement the backend prepared under {@code backendId}: the id the client is given ({@code on} null: a pooled
     * connection, whose own cache holds it).
     */
    Prepared prepared(BackendSession on, int backendId, String sql, Statement statement, int params) {
        do {
            nextId = nextId == Integer.MAX_VALUE ? 1 : nextId + 1;
        } while (byClient.containsKey(nextId));
        Prepared p = new Prepared(nextId, sql, statement, params);
        if (on != null) {
            p.ids.put(on, backendId);
        }
        byClient.put(p.clientId, p);
        return p;
    }

    /** Whether the session has no prepared statement (none open, none being prepared). */
    boolean isEmpty() {
        return byClient.isEmpty() && settled();
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

    /** COM_STMT_EXECUTE's flag bits that open a cursor (read only, for update, scrollable). */
    static final int CURSOR_TYPES = 0x07;

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
