package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** The protocol's basic types (MySQL docs: "Basic Data Types"): length-encoded integers and strings, NUL strings. */
public final class Buffers {
    private Buffers() {
    }

    /** int&lt;lenenc&gt;; -1 for the NULL marker 0xFB. */
    public static long readLenenc(ByteBuf b) {
        int first = b.readUnsignedByte();
        return switch (first) {
            case 0xfb -> -1;
            case 0xfc -> b.readUnsignedShortLE();
            case 0xfd -> b.readUnsignedMediumLE();
            case 0xfe -> b.readLongLE();
            case 0xff -> throw new ProtocolException("0xff is not a length-encoded integer");
            default -> first;
        };
    }

    /** The bytes an int&lt;lenenc&gt; takes, from its first byte. */
    public static int lenencSize(int first) {
        return switch (first) {
            case 0xfc -> 3;
            case 0xfd -> 4;
            case 0xfe -> 9;
            default -> 1;
        };
    }

    public static void writeLenenc(ByteBuf b, long value) {
        if (value < 0xfb) {
            b.writeByte((int) value);
        } else if (value < 1 << 16) {
            b.writeByte(0xfc).writeShortLE((int) value);
        } else if (value < 1 << 24) {
            b.writeByte(0xfd).writeMediumLE((int) value);
        } else {
            b.writeByte(0xfe).writeLongLE(value);
        }
    }

    public static byte[] readLenencBytes(ByteBuf b) {
        long n = readLenenc(b);
        if (n < 0) {
            return null;
        }
        if (n > b.readableBytes()) {
            throw new ProtocolException("a length-encoded string of " + n + " bytes where " + b.readableBytes()
                    + " remain");
        }
        byte[] bytes = new byte[(int) n];
        b.readBytes(bytes);
        return bytes;
    }

    public static String readLenencString(ByteBuf b) {
        byte[] bytes = readLenencBytes(b);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public static void writeLenencBytes(ByteBuf b, byte[] bytes) {
        writeLenenc(b, bytes.length);
        b.writeBytes(bytes);
    }

    public static void writeLenencString(ByteBuf b, String s) {
        writeLenencBytes(b, s.getBytes(StandardCharsets.UTF_8));
    }

    /** string&lt;NUL&gt;; refuses a missing terminator. */
    /** string&lt;var&gt; behind a one-byte length (an auth response with CLIENT_SECURE_CONNECTION). */
    public static byte[] readByteLengthBytes(ByteBuf b, String what) {
        need(b, 1, what + " length");
        int n = b.readUnsignedByte();
        need(b, n, what);
        byte[] bytes = new byte[n];
        b.readBytes(bytes);
        return bytes;
    }

    /** Connection attributes (MySQL docs: HandshakeResponse41's key-values): a length, then key and value pairs. */
    public static java.util.Map<String, String> readAttributes(ByteBuf b) {
        long total = readLenenc(b);
        need(b, (int) total, "connection attributes");
        ByteBuf kv = b.readSlice((int) total);
        java.util.Map<String, String> attributes = new java.util.LinkedHashMap<>();
        while (kv.isReadable()) {
            attributes.put(readLenencString(kv), readLenencString(kv));
        }
        return attributes;
    }

    public static void writeAttributes(ByteBuf b, java.util.Map<String, String> attributes) {
        ByteBuf kv = b.alloc().buffer();
        try {
            attributes.forEach((k, v) -> {
                writeLenencString(kv, k);
                writeLenencString(kv, v);
            });
            writeLenenc(b, kv.readableBytes());
            b.writeBytes(kv);
        } finally {
            kv.release();
        }
    }

    public static byte[] readNulBytes(ByteBuf b) {
        int end = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolException("a NUL-terminated string without its NUL");
        }
        byte[] bytes = new byte[end - b.readerIndex()];
        b.readBytes(bytes);
        b.skipBytes(1);
        return bytes;
    }

    public static String readNulString(ByteBuf b) {
        return new String(readNulBytes(b), StandardCharsets.UTF_8);
    }

    public static void writeNulString(ByteBuf b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
    }

    /** string&lt;EOF&gt;: the rest of the payload. */
    public static byte[] readRest(ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    public static void need(ByteBuf b, int bytes, String what) {
        if (b.readableBytes() < bytes) {
            throw new ProtocolException(what + " needs " + bytes + " more bytes, " + b.readableBytes() + " remain");
        }
    }
}
