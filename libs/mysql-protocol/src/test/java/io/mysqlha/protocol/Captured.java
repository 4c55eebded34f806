package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Frames captured from real exchanges with MariaDB 10.11 (see captured/README.md): each line is the side that
 * sent it and the frame in hex, header included.
 */
final class Captured {
    record Frame(String from, byte[] bytes) {
        ByteBuf frame() {
            return Unpooled.wrappedBuffer(bytes);
        }

        ByteBuf payload() {
            return Unpooled.wrappedBuffer(bytes, Frames.HEADER, bytes.length - Frames.HEADER);
        }

        byte[] payloadBytes() {
            return java.util.Arrays.copyOfRange(bytes, Frames.HEADER, bytes.length);
        }
    }

    private Captured() {
    }

    static List<Frame> frames(String name) {
        try (InputStream in = Captured.class.getResourceAsStream("/captured/" + name + ".frames")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().filter(l -> !l.isBlank())
                    .map(l -> l.split(" ")).map(p -> new Frame(p[0], HexFormat.of().parseHex(p[1]))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Frame> from(String name, String side) {
        return frames(name).stream().filter(f -> f.from().equals(side)).toList();
    }

    static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }
}
