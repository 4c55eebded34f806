package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Success (MySQL docs: "Protocol::OK_Packet"). With SESSION_TRACK the info is length-encoded and, when the status
 * says SESSION_STATE_CHANGED, followed by the session state changes (kept as bytes).
 */
public record OkPacket(int header, long affectedRows, long lastInsertId, int statusFlags, int warnings, String info,
                       byte[] sessionStateChanges) {
    public static final int MARKER = 0x00;
    /** The OK that ends a result set when DEPRECATE_EOF is on. */
    public static final int EOF_MARKER = 0xfe;

    public static OkPacket of(int statusFlags) {
        return new OkPacket(MARKER, 0, 0, statusFlags, 0, "", null);
    }

    public static OkPacket decode(ByteBuf b, int capabilities) {
        int header = b.readUnsignedByte();
        if (header != MARKER && header != EOF_MARKER) {
            throw new ProtocolException(String.format("not an OK packet (0x%02x)", header));
        }
        long affected = Buffers.readLenenc(b);
        long insertId = Buffers.readLenenc(b);
        Buffers.need(b, 4, "OK status and warnings");
        int status = b.readUnsignedShortLE();
        int warnings = b.readUnsignedShortLE();
        String info = "";
        byte[] changes = null;
        if (Capabilities.has(capabilities, Capabilities.SESSION_TRACK)) {
            if (b.isReadable()) {
                info = Buffers.readLenencString(b);
                if (ServerStatus.has(status, ServerStatus.SESSION_STATE_CHANGED) && b.isReadable()) {
                    changes = Buffers.readLenencBytes(b);
                }
            }
        } else {
            info = new String(Buffers.readRest(b), java.nio.charset.StandardCharsets.UTF_8);
        }
        return new OkPacket(header, affected, insertId, status, warnings, info, changes);
    }

    public void encode(ByteBuf b, int capabilities) {
        b.writeByte(header);
        Buffers.writeLenenc(b, affectedRows);
        Buffers.writeLenenc(b, lastInsertId);
        b.writeShortLE(statusFlags).writeShortLE(warnings);
        if (Capabilities.has(capabilities, Capabilities.SESSION_TRACK)) {
            if (!info.isEmpty() || sessionStateChanges != null) {
                Buffers.writeLenencString(b, info);
            }
            if (sessionStateChanges != null) {
                Buffers.writeLenencBytes(b, sessionStateChanges);
            }
        } else {
            b.writeBytes(info.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
