package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Turns an OK packet a node sent with SESSION_TRACK into the one it would have sent without: the info becomes the
 * rest of the packet again and the session state changes go. The gateway asks nodes for session tracking (to learn
 * each write's GTID) for clients that did not negotiate it, who must not see its format. In place: the frame only
 * shrinks. MySQL docs: "OK_Packet".
 */
public final class SessionTracking {
    private SessionTracking() {
    }

    public static void strip(ByteBuf frame) {
        int start = frame.readerIndex();
        int at = start + Frames.HEADER;
        int end = at + Frames.payloadLength(frame);
        int p = at + 1;
        p += lenencSize(frame.getUnsignedByte(p));
        p += lenencSize(frame.getUnsignedByte(p));
        int status = frame.getUnsignedShortLE(p);
        frame.setShortLE(p, status & ~ServerStatus.SESSION_STATE_CHANGED);
        p += 4;
        if (p >= end) {
            return;
        }
        ByteBuf rest = frame.slice(p, end - p);
        byte[] info = Buffers.readLenencBytes(rest);
        frame.setBytes(p, info);
        int length = p + info.length - at;
        frame.setMediumLE(start, length);
        frame.writerIndex(at + length);
    }

    private static int lenencSize(int first) {
        return switch (first) {
            case 0xfc -> 3;
            case 0xfd -> 4;
            case 0xfe -> 9;
            default -> 1;
        };
    }
}
