package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/** The client's answer to an AuthSwitchRequest: the plugin's response, the whole payload. */
public record AuthSwitchResponsePacket(byte[] data) {
    public static AuthSwitchResponsePacket decode(ByteBuf b) {
        return new AuthSwitchResponsePacket(Buffers.readRest(b));
    }

    public void encode(ByteBuf b) {
        b.writeBytes(data);
    }

    @Override
    public String toString() {
        return "AuthSwitchResponsePacket[" + data.length + " bytes]";
    }
}
