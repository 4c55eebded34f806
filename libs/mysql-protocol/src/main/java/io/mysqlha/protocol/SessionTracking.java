package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Turns an OK packet a node sent with SESSION_TRACK into the one it would have sent without: the session state
 * changes and their status flag go, and the info stays length-encoded when there is one (a server writes it so
 * for every client, whatever the docs' string&lt;EOF&gt; says: MySQL Connector/J reads it so), and goes when empty.
 * The gateway asks nodes for session tracking (to learn each write's GTID) for clients that did not negotiate it,
 * who must not see its format. In place: the frame only shrinks. MySQL docs: "OK_Packet"; the servers'
 * {@code net_send_ok}. SessionTrackingIT holds it to what MariaDB sends either kind of client.
 */
public final class SessionTracking {
    private SessionTracking() {
    }

    /** Where an OK frame's status flags are: after its header byte, affected rows and last insert id. */
    private static int statusAt(ByteBuf frame) {
        int p = frame.readerIndex() + Frames.HEADER + 1;
        p += Buffers.lenencSize(frame.getUnsignedByte(p));
        return p + Buffers.lenencSize(frame.getUnsignedByte(p));
    }

    public static void strip(ByteBuf frame) {
        int start = frame.readerIndex();
        int at = start + Frames.HEADER;
        int end = at + Frames.payloadLength(frame);
        int p = statusAt(frame);
        int status = frame.getUnsignedShortLE(p);
        frame.setShortLE(p, status & ~ServerStatus.SESSION_STATE_CHANGED);
        p += 4;
        if (p >= end) {
            return;
        }
        ByteBuf rest = frame.slice(p, end - p);
        long info = Buffers.readLenenc(rest);
        int keep = info == 0 ? 0 : rest.readerIndex() + (int) info; // an empty info is not sent without tracking
        int length = p + keep - at;
        frame.setMediumLE(start, length);
        frame.writerIndex(at + length);
    }

    /**
     * Takes the entries the gateway asked for out of an OK packet of a client that negotiated SESSION_TRACK itself
     * but did not ask for them: MariaDB's {@code last_gtid} system variable and MySQL's GTIDs entry. What remains is
     * what the server would have sent that client: without entries left, the state block, its status flag and an
     * empty info go too. In place: the frame only shrinks. MySQL docs: "OK_Packet", "Session State Information".
     */
    public static void dropGtids(ByteBuf frame) {
        int start = frame.readerIndex();
        int at = start + Frames.HEADER;
        int end = at + Frames.payloadLength(frame);
        int statusAt = statusAt(frame);
        int p = statusAt;
        int status = frame.getUnsignedShortLE(p);
        p += 4;
        if (!ServerStatus.has(status, ServerStatus.SESSION_STATE_CHANGED) || p >= end) {
            return;
        }
        int infoAt = p;
        ByteBuf rest = frame.slice(p, end - p);
        long infoLength = Buffers.readLenenc(rest);
        int blockAt = p + rest.readerIndex() + (int) infoLength;
        if (blockAt >= end) {
            return;
        }
        ByteBuf block = frame.slice(blockAt, end - blockAt);
        ByteBuf entries = block.readSlice((int) Buffers.readLenenc(block));
        ByteBuf kept = io.netty.buffer.Unpooled.buffer(entries.readableBytes());
        boolean dropped = false;
        while (entries.isReadable()) {
            int from = entries.readerIndex();
            int type = entries.readUnsignedByte();
            ByteBuf data = entries.readSlice((int) Buffers.readLenenc(entries));
            boolean gatewaysOwn = type == SessionStateChanges.GTIDS || type == SessionStateChanges.SYSTEM_VARIABLES
                    && "last_gtid".equalsIgnoreCase(Buffers.readLenencString(data.duplicate()));
            if (gatewaysOwn) {
                dropped = true;
            } else {
                kept.writeBytes(entries, from, entries.readerIndex() - from);
            }
        }
        if (!dropped) {
            return;
        }
        int length;
        if (kept.isReadable()) {
            ByteBuf rewritten = frame.slice(blockAt, end - blockAt).writerIndex(0);
            Buffers.writeLenenc(rewritten, kept.readableBytes());
            rewritten.writeBytes(kept);
            length = blockAt + rewritten.writerIndex() - at;
        } else {
            frame.setShortLE(statusAt, status & ~ServerStatus.SESSION_STATE_CHANGED);
            length = (infoLength == 0 ? infoAt : blockAt) - at;
        }
        frame.setMediumLE(start, length);
        frame.writerIndex(at + length);
    }
}
