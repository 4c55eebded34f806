package io.mysqlha.gateway.session;

import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Cuts the byte stream into whole frames (header included) as retained slices of what was read: the gateway
 * forwards them as they are, without copying or joining, and looks only at their headers and first bytes. Until the
 * client authenticated, a frame may not claim more than {@link #HANDSHAKE_LIMIT} bytes: garbage that happens to
 * announce 16 MiB is refused at its header instead of being buffered.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    public static final int HANDSHAKE_LIMIT = 65_536;
    private int limit;

    /** A decoder for a client connection: limited until {@link #unlimit()}. */
    public static FrameDecoder forClient() {
        return new FrameDecoder(HANDSHAKE_LIMIT);
    }

    /** A decoder for a backend connection: frames of any legal size. */
    public static FrameDecoder forBackend() {
        return new FrameDecoder(Integer.MAX_VALUE);
    }

    private FrameDecoder(int limit) {
        this.limit = limit;
    }

    void unlimit() {
        limit = Integer.MAX_VALUE;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = Frames.length(in);
        if (length > limit) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolException("a packet of " + (length - Frames.HEADER) + " bytes before authentication");
        }
        for (ByteBuf frame; (frame = Frames.next(in)) != null; ) {
            out.add(frame);
        }
    }
}
