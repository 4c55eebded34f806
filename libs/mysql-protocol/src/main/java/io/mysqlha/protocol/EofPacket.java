package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/** End of column definitions or rows without DEPRECATE_EOF (MySQL docs: "Protocol::EOF_Packet"). */
public record EofPacket(int warnings, int statusFlags) {
    public static final int MARKER = 0xfe;

    /** An 0xFE packet shorter than 9 bytes is an EOF (or DEPRECATE_EOF's OK); a row can start with 0xFE too. */
    public static boolean is(int firstByte, int payloadLength) {
        return firstByte == MARKER && payloadLength < 9;
    }

    public static EofPacket decode(ByteBuf b) {
        if (b.readUnsignedByte() != MARKER) {
            throw new ProtocolException("not an EOF packet");
        }
        Buffers.need(b, 4, "EOF warnings and status");
        return new EofPacket(b.readUnsignedShortLE(), b.readUnsignedShortLE());
    }

    public void encode(ByteBuf b) {
        b.writeByte(MARKER).writeShortLE(warnings).writeShortLE(statusFlags);
    }
}
