package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Failure (MySQL docs: "Protocol::ERR_Packet"), always in the 4.1 form with a SQLSTATE. */
public record ErrPacket(int errorCode, String sqlState, String message) {
    public static final int MARKER = 0xff;

    /** Codes the gateway answers with, MySQL's own where one fits. */
    public static final int ER_CON_COUNT_ERROR = 1040;
    public static final int ER_HANDSHAKE_ERROR = 1043;
    public static final int ER_ACCESS_DENIED_ERROR = 1045;
    public static final int ER_UNKNOWN_COM_ERROR = 1047;
    public static final int ER_NO_SUCH_THREAD = 1094;
    public static final int ER_NET_PACKET_TOO_LARGE = 1153;
    public static final int ER_NET_PACKETS_OUT_OF_ORDER = 1156;
    public static final int ER_NET_UNCOMPRESS_ERROR = 1157;
    public static final int ER_NOT_SUPPORTED_AUTH_MODE = 1251;
    public static final int ER_SECURE_TRANSPORT_REQUIRED = 3159;
    /** MySQL: a login to an account that is locked (ACCOUNT LOCK). */
    public static final int ER_ACCOUNT_HAS_BEEN_LOCKED = 3118;
    /** MariaDB's code for the same. */
    public static final int ER_ACCOUNT_HAS_BEEN_LOCKED_MARIADB = 4151;
    /** ProxySQL's code for "no backend available"; operators search for it. */
    public static final int BACKEND_UNAVAILABLE = 9001;

    public static ErrPacket decode(ByteBuf b) {
        if (b.readUnsignedByte() != MARKER) {
            throw new ProtocolException("not an ERR packet");
        }
        Buffers.need(b, 2, "ERR code");
        int code = b.readUnsignedShortLE();
        String state = "HY000";
        if (b.isReadable() && b.getByte(b.readerIndex()) == '#') {
            Buffers.need(b, 6, "ERR sqlstate");
            b.skipBytes(1);
            state = b.readCharSequence(5, StandardCharsets.US_ASCII).toString();
        }
        return new ErrPacket(code, state, new String(Buffers.readRest(b), StandardCharsets.UTF_8));
    }

    public void encode(ByteBuf b) {
        b.writeByte(MARKER).writeShortLE(errorCode).writeByte('#');
        b.writeCharSequence(sqlState, StandardCharsets.US_ASCII);
        b.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    }
}
