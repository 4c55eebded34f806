package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketCodecTest {

    @Test
    void shouldSplitAndJoinAPacketOf17MiB() {
        int size = 17 * 1024 * 1024;
        ByteBuf payload = Unpooled.buffer(size);
        for (int i = 0; i < size; i++) {
            payload.writeByte(i * 31);
        }
        EmbeddedChannel out = new EmbeddedChannel(new PacketCodec(64L << 20));
        out.writeOutbound(new MysqlPacket(5, 1, payload.retainedDuplicate()));
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf b; (b = out.readOutbound()) != null; ) {
            wire.writeBytes(b);
            b.release();
        }
        assertEquals(size + 2 * Frames.HEADER, wire.readableBytes(), "two frames: 16 MiB - 1 and the rest");
        assertEquals(Frames.MAX_PAYLOAD, Frames.payloadLength(wire));
        assertEquals(5, Frames.sequenceId(wire));
        assertEquals(6, wire.getUnsignedByte(Frames.HEADER + Frames.MAX_PAYLOAD + 3));

        EmbeddedChannel in = new EmbeddedChannel(new PacketCodec(64L << 20));
        in.writeInbound(wire);
        MysqlPacket joined = in.readInbound();
        assertEquals(5, joined.sequenceId());
        assertEquals(7, joined.nextSequenceId());
        assertTrue(io.netty.buffer.ByteBufUtil.equals(payload, joined.payload()));
        joined.release();
        payload.release();
        in.finishAndReleaseAll();
    }

    @Test
    void shouldWriteAnEmptyFrameAfterAPayloadOfExactly16MiBMinusOne() {
        ByteBuf wire = Unpooled.buffer();
        int next = Frames.write(wire, Unpooled.wrappedBuffer(new byte[Frames.MAX_PAYLOAD]), 0);
        assertEquals(2, next);
        assertEquals(Frames.MAX_PAYLOAD + 2 * Frames.HEADER, wire.readableBytes());
        wire.release();
    }

    @Test
    void shouldRefuseAContinuationWithTheWrongSequenceId() {
        ByteBuf wire = Unpooled.buffer();
        wire.writeMediumLE(Frames.MAX_PAYLOAD).writeByte(0).writeZero(Frames.MAX_PAYLOAD);
        wire.writeMediumLE(1).writeByte(9).writeByte(1);
        EmbeddedChannel in = new EmbeddedChannel(new PacketCodec(64L << 20));
        DecoderException e = assertThrows(DecoderException.class, () -> in.writeInbound(wire));
        assertTrue(e.getMessage().contains("sequence id 9, expected 1"), e.getMessage());
        in.finishAndReleaseAll();
    }

    @Test
    void shouldRefuseATooLargePacketBeforeBufferingIt() {
        ByteBuf header = Unpooled.buffer().writeMediumLE(100_000).writeByte(1);
        EmbeddedChannel in = new EmbeddedChannel(new PacketCodec(65_536));
        DecoderException e = assertThrows(DecoderException.class, () -> in.writeInbound(header));
        assertTrue(e.getMessage().contains("more than 65536 bytes"), e.getMessage());
        in.finishAndReleaseAll();
    }

    @Test
    void shouldWaitForATruncatedFrame() {
        EmbeddedChannel in = new EmbeddedChannel(new PacketCodec(65_536));
        in.writeInbound(Unpooled.buffer().writeMediumLE(10).writeByte(0).writeBytes(new byte[4]));
        assertEquals(null, (Object) in.readInbound());
        in.writeInbound(Unpooled.wrappedBuffer(new byte[6]));
        MysqlPacket p = in.readInbound();
        assertEquals(10, p.payload().readableBytes());
        p.release();
        in.finishAndReleaseAll();
    }
}
