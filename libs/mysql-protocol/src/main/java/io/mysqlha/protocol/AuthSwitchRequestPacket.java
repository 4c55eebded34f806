package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/** The server asks the client to authenticate with another plugin (MySQL docs: "Protocol::AuthSwitchRequest"). */
public record AuthSwitchRequestPacket(String pluginName, byte[] pluginData) {
    public static final int MARKER = 0xfe;

    public static AuthSwitchRequestPacket decode(ByteBuf b) {
        if (b.readUnsignedByte() != MARKER) {
            throw new ProtocolException("not an AuthSwitchRequest");
        }
        String name = Buffers.readNulString(b);
        byte[] data = Buffers.readRest(b);
        if (data.length > 0 && data[data.length - 1] == 0) {
            data = java.util.Arrays.copyOf(data, data.length - 1); // the scramble's trailing NUL
        }
        return new AuthSwitchRequestPacket(name, data);
    }

    /** Writes the plugin data with the trailing NUL that mysql_native_password's scramble carries. */
    public void encode(ByteBuf b) {
        b.writeByte(MARKER);
        Buffers.writeNulString(b, pluginName);
        b.writeBytes(pluginData).writeByte(0);
    }
}
