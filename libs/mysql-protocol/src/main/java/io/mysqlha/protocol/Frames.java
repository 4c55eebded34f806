package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The frame header (MySQL docs "MySQL Packets"): int&lt;3&gt; payload length, int&lt;1&gt; sequence id. Framing lives
 * here and in {@link PacketCodec}; packet records never touch headers.
 */
public final class Frames {
    public static final int HEADER = 4;
    /** A frame of this payload length is followed by another frame of the same packet. */
    public static final int MAX_PAYLOAD = 0xffffff;

    private Frames() {
    }

    /** Header and payload length of the frame starting at the reader index, or -1 when the header is incomplete. */
    public static int length(ByteBuf in) {
        return lengthAt(in, in.readerIndex());
    }

    /** Header and payload length of the frame starting at {@code at}, or -1 when its header is incomplete. */
    public static int lengthAt(ByteBuf in, int at) {
        if (in.writerIndex() - at < HEADER) {
            return -1;
        }
        return HEADER + in.getUnsignedMediumLE(at);
    }

    /** The whole next frame (header included) as a retained slice, or null while it has not fully arrived. */
    public static ByteBuf next(ByteBuf in) {
        int length = length(in);
        if (length < 0 || in.readableBytes() < length) {
            return null;
        }
        return in.readRetainedSlice(length);
    }

    public static int payloadLength(ByteBuf frame) {
        return frame.getUnsignedMediumLE(frame.readerIndex());
    }

    public static int sequenceId(ByteBuf frame) {
        return frame.getUnsignedByte(frame.readerIndex() + 3);
    }

    /** The first payload byte of a frame (the command, or OK/ERR/EOF marker), or -1 for an empty payload. */
    public static int firstByte(ByteBuf frame) {
        return payloadLength(frame) == 0 ? -1 : frame.getUnsignedByte(frame.readerIndex() + HEADER);
    }

    /** Rewrites the sequence id of a frame in place (a packet the gateway moves from one exchange to another). */
    public static void setSequenceId(ByteBuf frame, int sequenceId) {
        frame.setByte(frame.readerIndex() + 3, sequenceId);
    }

    /** Writes a payload as one or more frames starting at {@code sequenceId}; returns the next sequence id. */
    public static int write(ByteBuf out, ByteBuf payload, int sequenceId) {
        int seq = sequenceId;
        while (true) {
            int n = Math.min(payload.readableBytes(), MAX_PAYLOAD);
            out.writeMediumLE(n).writeByte(seq);
            out.writeBytes(payload, n);
            seq = (seq + 1) & 0xff;
            if (n < MAX_PAYLOAD) {
                return seq;
            }
        }
    }
}
