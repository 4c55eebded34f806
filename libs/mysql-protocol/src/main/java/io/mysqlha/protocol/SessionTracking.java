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

    public static void strip(ByteBuf frame) {
        int start = frame.readerIndex();
        int at = start + Frames.HEADER;
        int end = at + Frames.payloadLength(frame);
        int p = at + 1;
        p += Buffers.lenencSize(frame.getUnsignedByte(p));
        p += Buffers.lenencSize(frame.getUnsignedByte(p));
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
}
