package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;

import java.util.List;

/**
 * Frames to {@link MysqlPacket}s and back: joins a packet sent in several 16 MiB frames (checking that their
 * sequence ids follow each other), and splits an outgoing payload into frames. Refuses a packet larger than
 * {@code maxPacketBytes} as soon as its frames say so, before buffering it.
 */
public final class PacketCodec extends ByteToMessageCodec<MysqlPacket> {
    private final long maxPacketBytes;
    private CompositeByteBuf joining;
    private int firstSeq;
    private int frames;

    public PacketCodec(long maxPacketBytes) {
        this.maxPacketBytes = maxPacketBytes;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MysqlPacket msg, ByteBuf out) {
        Frames.write(out, msg.payload(), msg.sequenceId());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int length = Frames.length(in);
            if (length < 0) {
                return;
            }
            long already = joining == null ? 0 : joining.readableBytes();
            if (already + length - Frames.HEADER > maxPacketBytes) {
                throw refuse(in, "a packet of more than " + maxPacketBytes + " bytes");
            }
            if (in.readableBytes() < length) {
                return;
            }
            int seq = in.getUnsignedByte(in.readerIndex() + 3);
            int payload = length - Frames.HEADER;
            in.skipBytes(Frames.HEADER);
            if (joining == null) {
                if (payload < Frames.MAX_PAYLOAD) {
                    out.add(new MysqlPacket(seq, 1, in.readRetainedSlice(payload)));
                    continue;
                }
                joining = ctx.alloc().compositeBuffer(64);
                firstSeq = seq;
                frames = 0;
            } else if (seq != ((firstSeq + frames) & 0xff)) {
                throw refuse(in, "frame " + frames + " of a packet has sequence id " + seq + ", expected "
                        + ((firstSeq + frames) & 0xff));
            }
            joining.addComponent(true, in.readRetainedSlice(payload));
            frames++;
            if (payload < Frames.MAX_PAYLOAD) {
                out.add(new MysqlPacket(firstSeq, frames, joining));
                joining = null;
            }
        }
    }

    /** The connection is not readable past a framing error: drop what is buffered, so it is not decoded again. */
    private static ProtocolException refuse(ByteBuf in, String message) {
        in.skipBytes(in.readableBytes());
        return new ProtocolException(message);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        if (joining != null) {
            joining.release();
            joining = null;
        }
        super.handlerRemoved(ctx);
    }
}
