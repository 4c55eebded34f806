package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/** More data for the current auth plugin (MySQL docs: "Protocol::AuthMoreData"). */
public record AuthMoreDataPacket(byte[] data) {
    public static final int MARKER = 0x01;

    public static AuthMoreDataPacket decode(ByteBuf b) {
        if (b.readUnsignedByte() != MARKER) {
            throw new ProtocolException("not an AuthMoreData");
        }
        return new AuthMoreDataPacket(Buffers.readRest(b));
    }

    public void encode(ByteBuf b) {
        b.writeByte(MARKER).writeBytes(data);
    }
}
