package io.mysqlha.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * An ERR packet sent in place of the server's greeting, as mysqld does when it refuses a connection (1040 Too
 * many connections): clients show it as a normal MySQL error instead of a dropped connection.
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html
 * (Moves to libs/mysql-protocol with the protocol-aware gateway.)
 */
record InitialErrPacket(int errorCode, String sqlState, String message) {
    static final int TOO_MANY_CONNECTIONS = 1040;
    /** ProxySQL's code for "could not reach a backend in time"; clients print it as any server error. */
    static final int BACKEND_UNAVAILABLE = 9001;

    ByteBuf encode(ByteBufAllocator alloc) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int payload = 1 + 2 + 1 + 5 + text.length;
        ByteBuf buf = alloc.buffer(4 + payload);
        buf.writeMediumLE(payload);
        buf.writeByte(0); // sequence id: the first packet of the connection
        buf.writeByte(0xFF);
        buf.writeShortLE(errorCode);
        buf.writeByte('#');
        buf.writeBytes(sqlState.getBytes(StandardCharsets.US_ASCII), 0, 5);
        buf.writeBytes(text);
        return buf;
    }
}
