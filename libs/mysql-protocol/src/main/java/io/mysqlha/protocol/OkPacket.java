package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Success (MySQL docs: "Protocol::OK_Packet"). The info is length-encoded when there is one, with or without
 * SESSION_TRACK: that is what MySQL and MariaDB send (their {@code net_send_ok}), though the docs say string&lt;EOF&gt;
 * without it. With SESSION_TRACK and SESSION_STATE_CHANGED the session state changes follow (kept as bytes).
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
        } else if (b.isReadable()) {
            info = Buffers.readLenencString(b); // length-encoded for every client (net_send_ok), not string<EOF>
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
        } else if (!info.isEmpty()) {
            Buffers.writeLenencString(b, info);
        }
    }
}
