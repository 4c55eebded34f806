package io.mysqlha.gateway.session;

import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Cuts the byte stream into whole frames (header included) as retained slices of what was read (a backend's into
 * runs of whole frames, see {@link #forBackend()}): the gateway
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

    /**
     * A decoder for a backend connection: frames of any legal size, handed on as runs (every whole frame that was
     * read, as one retained slice), so a result set's rows reach the client in one write instead of one per row.
     */
    public static FrameDecoder forBackend() {
        return new FrameDecoder(Integer.MAX_VALUE, true);
    }

    private final boolean runs;

    private FrameDecoder(int limit) {
        this(limit, false);
    }

    private FrameDecoder(int limit, boolean runs) {
        this.limit = limit;
        this.runs = runs;
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
        if (runs) {
            int end = in.readerIndex();
            for (int frame; (frame = Frames.lengthAt(in, end)) >= 0 && in.writerIndex() - end >= frame; ) {
                end += frame;
            }
            if (end > in.readerIndex()) {
                out.add(in.readRetainedSlice(end - in.readerIndex()));
            }
            return;
        }
        for (ByteBuf frame; (frame = Frames.next(in)) != null; ) {
            out.add(frame);
        }
    }
}
