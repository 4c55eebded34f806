package io.mysqlha.gateway.session;

import io.mysqlha.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecoderTest {
    private final List<ByteBuf> written = new ArrayList<>();
    private EmbeddedChannel channel;

    @AfterEach
    void releaseAll() {
        written.forEach(b -> {
            if (b.refCnt() > 0) {
                b.release();
            }
        });
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** A frame of {@code payload} bytes (each the sequence id), header included. */
    private static byte[] frame(int seq, int payload) {
        byte[] f = new byte[4 + payload];
        f[0] = (byte) payload;
        f[1] = (byte) (payload >> 8);
        f[2] = (byte) (payload >> 16);
        f[3] = (byte) seq;
        java.util.Arrays.fill(f, 4, f.length, (byte) seq);
        return f;
    }

    private static byte[] join(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private ByteBuf read(byte[] bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length).writeBytes(bytes);
        written.add(b);
        channel.writeInbound(b.retain());
        return b;
    }

    private List<byte[]> handedOn() {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuf b; (b = channel.readInbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.add(bytes);
        }
        return out;
    }

    @Test
    void shouldHandOnAReadThatIsOneFrameItselfAndCutSeveral() {
        channel = new EmbeddedChannel(FrameDecoder.forClient());
        ByteBuf one = read(frame(0, 5));
        ByteBuf handed = channel.readInbound();
        assertSame(one, handed, "a read that is exactly one frame goes on as it is, not as a slice");
        handed.release();
        read(join(frame(0, 3), frame(1, 0), frame(2, 7)));
        List<byte[]> frames = handedOn();
        assertEquals(3, frames.size());
        assertEquals(List.of(7, 4, 11), frames.stream().map(f -> f.length).toList());
    }

    @Test
    void shouldJoinAFrameSplitAcrossReadsFromItsHeaderOn() {
        channel = new EmbeddedChannel(FrameDecoder.forClient());
        byte[] whole = join(frame(0, 10), frame(1, 2));
        read(java.util.Arrays.copyOfRange(whole, 0, 2)); // half a header
        assertNull(channel.readInbound());
        read(java.util.Arrays.copyOfRange(whole, 2, 9));
        assertNull(channel.readInbound(), "the header and part of the payload");
        read(java.util.Arrays.copyOfRange(whole, 9, whole.length - 1));
        List<byte[]> first = handedOn();
        assertEquals(1, first.size(), "the first frame is whole, the second lacks a byte");
        assertTrue(java.util.Arrays.equals(frame(0, 10), first.getFirst()));
        read(java.util.Arrays.copyOfRange(whole, whole.length - 1, whole.length));
        List<byte[]> second = handedOn();
        assertTrue(java.util.Arrays.equals(frame(1, 2), second.getFirst()));
    }

    @Test
    void shouldHandABackendsWholeFramesOnAsOneRunAndKeepTheRest() {
        channel = new EmbeddedChannel(FrameDecoder.forBackend());
        ByteBuf all = read(join(frame(1, 1), frame(2, 30), frame(3, 2)));
        ByteBuf run = channel.readInbound();
        assertSame(all, run, "a read of whole frames is the run itself");
        run.release();
        read(join(frame(4, 6), frame(5, 9), java.util.Arrays.copyOfRange(frame(6, 20), 0, 12)));
        List<byte[]> runs = handedOn();
        assertEquals(1, runs.size());
        assertTrue(java.util.Arrays.equals(join(frame(4, 6), frame(5, 9)), runs.getFirst()), "the whole frames");
        read(java.util.Arrays.copyOfRange(frame(6, 20), 12, 24));
        assertTrue(java.util.Arrays.equals(frame(6, 20), handedOn().getFirst()), "then the rest of the third");
    }

    @Test
    void shouldRefuseAFrameOverTheHandshakeLimitAtItsHeaderAndDropWhatFollows() {
        channel = new EmbeddedChannel(FrameDecoder.forClient());
        byte[] header = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0}; // announces 16 MiB
        ProtocolException refused = assertThrows(ProtocolException.class, () -> {
            read(header);
            channel.checkException();
        });
        assertEquals("a packet of 16777215 bytes before authentication", refused.getMessage());
        read(frame(1, 3));
        assertNull(channel.readInbound(), "after a refusal nothing is handed on");
    }

    @Test
    void shouldLetAFrameThroughPastTheLimitOnceUnlimited() {
        FrameDecoder decoder = FrameDecoder.forClient();
        channel = new EmbeddedChannel(decoder);
        decoder.unlimit();
        read(frame(0, FrameDecoder.HANDSHAKE_LIMIT + 10));
        assertEquals(FrameDecoder.HANDSHAKE_LIMIT + 14, handedOn().getFirst().length);
    }

    @Test
    void whatFollowsAnSslRequestInTheSameReadGoesWhereTheSessionDivertsIt() {
        FrameDecoder decoder = FrameDecoder.forClient();
        List<ByteBuf> diverted = new ArrayList<>();
        channel = new EmbeddedChannel(decoder, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                decoder.divert(rest -> diverted.add(rest == null ? Unpooled.EMPTY_BUFFER : rest));
                ctx.fireChannelRead(msg);
            }
        });
        byte[] clientHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        read(join(frame(1, 32), clientHello));
        ByteBuf sslRequest = channel.readInbound();
        assertEquals(36, sslRequest.readableBytes(), "the SSLRequest alone went on as a frame");
        sslRequest.release();
        assertNull(channel.readInbound(), "the TLS bytes are no frame");
        assertEquals(1, diverted.size());
        byte[] rest = new byte[diverted.getFirst().readableBytes()];
        diverted.getFirst().readBytes(rest);
        diverted.getFirst().release();
        assertTrue(java.util.Arrays.equals(clientHello, rest), "the ClientHello's bytes, diverted as they came");
    }
}
