package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Reads the session state changes an OK packet carries with SESSION_TRACK (MySQL docs: "Session State
 * Information"): a list of (type, length-encoded data). The gateway wants one thing from them: the GTID of the
 * session's last transaction, which MariaDB sends as the system variable {@code last_gtid} and MySQL as a
 * SESSION_TRACK_GTIDS entry.
 */
public final class SessionStateChanges {
    static final int SYSTEM_VARIABLES = 0;
    static final int GTIDS = 3;

    private SessionStateChanges() {
    }

    /** The last GTID the changes name, or null (none, empty, or not readable). */
    public static String lastGtid(byte[] changes) {
        if (changes == null) {
            return null;
        }
        ByteBuf b = Unpooled.wrappedBuffer(changes);
        String found = null;
        try {
            while (b.isReadable()) {
                int type = b.readUnsignedByte();
                byte[] data = Buffers.readLenencBytes(b);
                ByteBuf d = Unpooled.wrappedBuffer(data);
                if (type == SYSTEM_VARIABLES) {
                    String name = Buffers.readLenencString(d);
                    String value = d.isReadable() ? Buffers.readLenencString(d) : "";
                    if (name.equalsIgnoreCase("last_gtid") && !value.isEmpty()) {
                        found = value;
                    }
                } else if (type == GTIDS && d.isReadable()) {
                    d.skipBytes(1); // encoding specification: 0, the GTID set as text
                    String value = Buffers.readLenencString(d);
                    if (!value.isEmpty()) {
                        found = value;
                    }
                }
            }
        } catch (RuntimeException e) {
            return found; // a truncated entry: what was read before it stands
        }
        return found;
    }
}
