package io.mysqlha.gateway.session;

import io.mysqlha.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Cuts the byte stream into whole frames (header included) as retained slices of what was read: the gateway
 * forwards them as they are, without copying or joining, and looks only at their headers and first bytes.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (ByteBuf frame; (frame = Frames.next(in)) != null; ) {
            out.add(frame);
        }
    }
}
