package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressedProtocolTest {
    private static byte[] text(int length) {
        byte[] b = new byte[length];
        byte[] words = "SELECT id, name FROM customers WHERE id = 42; ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            b[i] = words[i % words.length];
        }
        return b;
    }

    private static byte[] noise(int length) {
        byte[] b = new byte[length];
        new Random(7).nextBytes(b);
        return b;
    }

    /** Everything the channel wrote, as one array. */
    private static byte[] sent(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return ByteBufUtil.getBytes(all);
    }

    /** Everything the channel handed on inbound, as one array. */
    private static byte[] received(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readInbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return ByteBufUtil.getBytes(all);
    }

    private static byte[] send(byte[] payload) {
        EmbeddedChannel ch = new EmbeddedChannel(new CompressedProtocol());
        ch.writeAndFlush(Unpooled.wrappedBuffer(payload));
        return sent(ch);
    }

    @Test
    void aCompressiblePayloadGoesDeflatedInOnePacketWithItsLengthBeforeCompression() throws Exception {
        byte[] payload = text(1000);
        ByteBuf packet = Unpooled.wrappedBuffer(send(payload));
        int compressed = packet.getUnsignedMediumLE(0);
        assertEquals(CompressedProtocol.HEADER + compressed, packet.readableBytes());
        assertEquals(0, packet.getUnsignedByte(3), "the first packet of a fresh connection");
        assertEquals(1000, packet.getUnsignedMediumLE(4));
        assertTrue(compressed < 200, "deflated to " + compressed);
        Inflater zlib = new Inflater(); // plain zlib, as a client's uncompress() reads it
        zlib.setInput(ByteBufUtil.getBytes(packet, CompressedProtocol.HEADER, compressed));
        byte[] back = new byte[1000];
        assertEquals(1000, zlib.inflate(back));
        assertTrue(zlib.finished());
        assertArrayEquals(payload, back);
    }

    @Test
    void shortAndIncompressiblePayloadsGoAsTheyAreWithLengthZero() {
        for (byte[] payload : new byte[][] {text(CompressedProtocol.MIN_COMPRESS_LENGTH - 1), noise(1000)}) {
            ByteBuf packet = Unpooled.wrappedBuffer(send(payload));
            assertEquals(payload.length, packet.getUnsignedMediumLE(0));
            assertEquals(0, packet.getUnsignedMediumLE(4));
            assertArrayEquals(payload, ByteBufUtil.getBytes(packet, CompressedProtocol.HEADER, payload.length));
        }
    }

    @Test
    void writesUntilAFlushGoInOnePacketAndTheirPromisesCompleteWithIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new CompressedProtocol());
        ChannelFuture first = ch.write(Unpooled.wrappedBuffer(text(300)));
        ChannelFuture second = ch.write(Unpooled.wrappedBuffer(noise(10)));
        assertNull(ch.readOutbound(), "nothing before the flush");
        ch.flush();
        byte[] out = sent(ch);
        ByteBuf packet = Unpooled.wrappedBuffer(out);
        assertEquals(out.length, CompressedProtocol.HEADER + packet.getUnsignedMediumLE(0), "one packet");
        assertEquals(310, packet.getUnsignedMediumLE(4));
        assertTrue(first.isSuccess() && second.isSuccess());
    }

    @Test
    void aPayloadOverSixteenMebibytesGoesInTwoPacketsAndComesBackWhole() {
        byte[] payload = text(Frames.MAX_PAYLOAD + 1000);
        byte[] out = send(payload);
        ByteBuf packets = Unpooled.wrappedBuffer(out);
        int first = CompressedProtocol.HEADER + packets.getUnsignedMediumLE(0);
        assertEquals(Frames.MAX_PAYLOAD, packets.getUnsignedMediumLE(4));
        assertEquals(1, packets.getUnsignedByte(first + 3), "the second packet's compressed sequence id");
        assertEquals(1000, packets.getUnsignedMediumLE(first + 4));
        EmbeddedChannel peer = new EmbeddedChannel(new CompressedProtocol());
        peer.writeInbound(Unpooled.wrappedBuffer(out));
        assertArrayEquals(payload, received(peer));
    }

    @Test
    void packetsArrivingAByteAtATimeGiveTheSameBytes() {
        byte[] payload = text(5000);
        byte[] out = send(payload);
        EmbeddedChannel peer = new EmbeddedChannel(new CompressedProtocol());
        for (byte b : out) {
            peer.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertArrayEquals(payload, received(peer));
    }

    @Test
    void theAnswerTakesTheSequenceIdAfterThePeersLast() {
        EmbeddedChannel ch = new EmbeddedChannel(new CompressedProtocol());
        byte[] command = {5, 0, 0, 0, 3, 'S', 'E', 'L', 'X'};
        ByteBuf in = Unpooled.buffer().writeMediumLE(command.length).writeByte(4).writeMediumLE(0).writeBytes(command);
        ch.writeInbound(in);
        assertArrayEquals(command, received(ch));
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {7, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}));
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        ByteBuf out = Unpooled.wrappedBuffer(sent(ch));
        assertEquals(5, out.getUnsignedByte(3));
        assertEquals(6, out.getUnsignedByte(CompressedProtocol.HEADER + 11 + 3));
    }

    @Test
    void dataThatIsNotZlibOrInflatesToAnotherLengthIsRefusedByName() {
        EmbeddedChannel garbage = new EmbeddedChannel(new CompressedProtocol());
        ByteBuf bad = Unpooled.buffer().writeMediumLE(4).writeByte(0).writeMediumLE(100).writeInt(0xdeadbeef);
        Throwable e = assertThrows(DecoderException.class, () -> garbage.writeInbound(bad)).getCause();
        assertTrue(e instanceof ProtocolException && e.getMessage().contains("not zlib data"), e.getMessage());
        garbage.writeInbound(Unpooled.buffer().writeMediumLE(1).writeByte(1).writeMediumLE(0).writeByte(1));
        assertNull(garbage.readInbound(), "nothing is read after a packet that put the stream out of step");

        Deflater deflater = new Deflater();
        deflater.setInput(text(100));
        deflater.finish();
        byte[] deflated = new byte[200];
        int n = deflater.deflate(deflated);
        EmbeddedChannel lying = new EmbeddedChannel(new CompressedProtocol());
        ByteBuf wrong = Unpooled.buffer().writeMediumLE(n).writeByte(0).writeMediumLE(120).writeBytes(deflated, 0, n);
        e = assertThrows(DecoderException.class, () -> lying.writeInbound(wrong)).getCause();
        assertTrue(e instanceof ProtocolException && e.getMessage().contains("does not inflate to the 120 bytes it announced (got 100)"),
                e.getMessage());
    }

    @Test
    void zstdPacketsAreEachTheirOwnFrameAndComeBackWhole() {
        byte[] payload = text(5000);
        EmbeddedChannel ch = new EmbeddedChannel(new CompressedProtocol(CompressedProtocol.Algorithm.ZSTD));
        ch.writeAndFlush(Unpooled.wrappedBuffer(payload));
        ByteBuf packet = Unpooled.wrappedBuffer(sent(ch));
        int compressed = packet.getUnsignedMediumLE(0);
        assertEquals(5000, packet.getUnsignedMediumLE(4));
        assertTrue(compressed < 1000, "zstd made it " + compressed);
        assertArrayEquals(payload, com.github.luben.zstd.Zstd.decompress(
                ByteBufUtil.getBytes(packet, CompressedProtocol.HEADER, compressed), 5000), "a plain zstd frame");
        EmbeddedChannel peer = new EmbeddedChannel(new CompressedProtocol(CompressedProtocol.Algorithm.ZSTD));
        peer.writeInbound(packet);
        assertArrayEquals(payload, received(peer));
    }

    @Test
    void zstdDataThatIsNotZstdOrOfAnotherLengthIsRefusedByName() {
        EmbeddedChannel garbage = new EmbeddedChannel(new CompressedProtocol(CompressedProtocol.Algorithm.ZSTD));
        ByteBuf bad = Unpooled.buffer().writeMediumLE(4).writeByte(0).writeMediumLE(100).writeInt(0xdeadbeef);
        Throwable e = assertThrows(DecoderException.class, () -> garbage.writeInbound(bad)).getCause();
        assertTrue(e instanceof ProtocolException, e.toString());
        byte[] frame = com.github.luben.zstd.Zstd.compress(text(100), 3);
        EmbeddedChannel lying = new EmbeddedChannel(new CompressedProtocol(CompressedProtocol.Algorithm.ZSTD));
        ByteBuf wrong = Unpooled.buffer().writeMediumLE(frame.length).writeByte(0).writeMediumLE(120).writeBytes(frame);
        e = assertThrows(DecoderException.class, () -> lying.writeInbound(wrong)).getCause();
        assertTrue(e instanceof ProtocolException && e.getMessage().contains("120 bytes it announced"), e.getMessage());
    }

    @Test
    void theAlgorithmIsZlibWhenTheClientSetCompressAndZstdWhenItSetOnlyZstd() {
        assertEquals(CompressedProtocol.Algorithm.ZLIB, CompressedProtocol.Algorithm.of(Capabilities.COMPRESS));
        assertEquals(CompressedProtocol.Algorithm.ZLIB, CompressedProtocol.Algorithm.of(Capabilities.FRAMING));
        assertEquals(CompressedProtocol.Algorithm.ZSTD, CompressedProtocol.Algorithm.of(Capabilities.ZSTD_COMPRESSION));
    }
}
