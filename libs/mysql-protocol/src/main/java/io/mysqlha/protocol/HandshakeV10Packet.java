package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The server's greeting (MySQL docs: "Protocol::HandshakeV10"). {@code authPluginData} is the whole scramble
 * (part 1 and part 2 joined, without the trailing NUL). MariaDB reuses the last 4 of the 10 reserved bytes for
 * its extended capabilities when the CLIENT_MYSQL (LONG_PASSWORD) bit is clear; they are kept as read.
 */
public record HandshakeV10Packet(String serverVersion, long connectionId, byte[] authPluginData, int capabilities,
                                 int characterSet, int statusFlags, int mariadbCapabilities, String authPluginName) {
    public static final int PROTOCOL_VERSION = 10;

    public static HandshakeV10Packet decode(ByteBuf b) {
        Buffers.need(b, 1, "HandshakeV10");
        int version = b.readUnsignedByte();
        if (version != PROTOCOL_VERSION) {
            throw new ProtocolException("protocol version " + version + ", expected 10");
        }
        String serverVersion = Buffers.readNulString(b);
        Buffers.need(b, 4 + 8 + 1 + 2, "HandshakeV10");
        long connectionId = b.readUnsignedIntLE();
        byte[] part1 = new byte[8];
        b.readBytes(part1);
        b.skipBytes(1);
        int caps = b.readUnsignedShortLE();
        int charset = 0;
        int status = 0;
        int pluginDataLength = 0;
        int mariadb = 0;
        byte[] data = part1;
        String plugin = null;
        if (b.isReadable()) {
            Buffers.need(b, 1 + 2 + 2 + 1 + 10, "HandshakeV10");
            charset = b.readUnsignedByte();
            status = b.readUnsignedShortLE();
            caps |= b.readUnsignedShortLE() << 16;
            pluginDataLength = b.readUnsignedByte();
            b.skipBytes(6);
            mariadb = b.readIntLE();
            if (Capabilities.has(caps, Capabilities.SECURE_CONNECTION)) {
                int n = Math.max(13, pluginDataLength - 8);
                Buffers.need(b, n, "HandshakeV10 auth-plugin-data-part-2");
                byte[] part2 = new byte[n];
                b.readBytes(part2);
                int len = part2[n - 1] == 0 ? n - 1 : n;
                data = Arrays.copyOf(part1, 8 + len);
                System.arraycopy(part2, 0, data, 8, len);
            }
            if (Capabilities.has(caps, Capabilities.PLUGIN_AUTH) && b.isReadable()) {
                int end = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) 0);
                plugin = end < 0 ? new String(Buffers.readRest(b), java.nio.charset.StandardCharsets.UTF_8)
                        : Buffers.readNulString(b);
            }
        }
        return new HandshakeV10Packet(serverVersion, connectionId, data, caps, charset, status, mariadb, plugin);
    }

    public void encode(ByteBuf b) {
        b.writeByte(PROTOCOL_VERSION);
        Buffers.writeNulString(b, serverVersion);
        b.writeIntLE((int) connectionId);
        b.writeBytes(authPluginData, 0, 8);
        b.writeByte(0);
        b.writeShortLE(capabilities & 0xffff);
        b.writeByte(characterSet);
        b.writeShortLE(statusFlags);
        b.writeShortLE(capabilities >>> 16);
        b.writeByte(Capabilities.has(capabilities, Capabilities.PLUGIN_AUTH) ? authPluginData.length + 1 : 0);
        b.writeZero(6);
        b.writeIntLE(mariadbCapabilities);
        if (Capabilities.has(capabilities, Capabilities.SECURE_CONNECTION)) {
            b.writeBytes(authPluginData, 8, authPluginData.length - 8);
            b.writeZero(Math.max(13 - (authPluginData.length - 8), 1));
        }
        if (Capabilities.has(capabilities, Capabilities.PLUGIN_AUTH)) {
            Buffers.writeNulString(b, authPluginName);
        }
    }
}
