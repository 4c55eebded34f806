package io.mysqlha.gateway.session;

import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Cuts the byte stream into whole frames (header included) and hands them on as they were read: the gateway forwards
 * them without copying or joining, and looks only at their headers and first bytes. A backend's frames go on as runs
 * (see {@link #forBackend()}). A read that holds exactly what is handed on goes on itself, not as a slice of itself:
 * the usual case, one statement or one answer per read, costs no derived buffer. Bytes of a frame not yet whole wait
 * for the next read, merged as {@link ByteToMessageDecoder} merges them. Until the client authenticated, a frame may
 * not claim more than {@link #HANDSHAKE_LIMIT} bytes: garbage that happens to announce 16 MiB is refused at its header
 * (a {@link ProtocolException} down the pipeline) instead of being buffered.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {
    public static final int HANDSHAKE_LIMIT = 65_536;

    private final boolean runs;
    private int limit;
    private ByteBuf pending; // the start of a frame not yet whole, or null
    private boolean read; // a read arrived since the last read completed
    private boolean handedOn; // and a frame went on from it
    private boolean failed; // a frame was refused: what follows is dropped
    private java.util.function.Consumer<ByteBuf> divert; // after the frame being handed on: the rest goes there

    /** A decoder for a client connection: limited until {@link #unlimit()}. */
    public static FrameDecoder forClient() {
        return new FrameDecoder(HANDSHAKE_LIMIT, false);
    }

    /**
     * A decoder for a backend connection: frames of any legal size, handed on as runs (every whole frame that was
     * read, as one buffer), so a result set's rows reach the client in one write instead of one per row.
     */
    public static FrameDecoder forBackend() {
        return new FrameDecoder(Integer.MAX_VALUE, true);
    }

    private FrameDecoder(int limit, boolean runs) {
        this.limit = limit;
        this.runs = runs;
    }

    void unlimit() {
        limit = Integer.MAX_VALUE;
    }

    /**
     * Called while a frame is being handed on (the client's SSLRequest): the bytes read after it are no frames (the
     * start of a TLS handshake). Once the frame is handed on, {@code to} gets them (null when there are none); bytes
     * read later come through whatever {@code to} put in front of this decoder.
     */
    void divert(java.util.function.Consumer<ByteBuf> to) {
        this.divert = to;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        read = true;
        if (failed) {
            in.release();
            return;
        }
        if (pending != null) {
            in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, in);
            pending = null;
        }
        try {
            pending = runs ? handOnRun(ctx, in) : handOnFrames(ctx, in);
        } catch (ProtocolException e) {
            failed = true;
            in.release();
            ctx.fireExceptionCaught(e);
        }
    }

    /** Every whole frame of {@code in} as one run; returns what is left of it (null when nothing is). */
    private ByteBuf handOnRun(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int end = start;
        for (int frame; (frame = Frames.lengthAt(in, end)) >= 0 && in.writerIndex() - end >= frame; ) {
            end += frame;
        }
        if (end == in.writerIndex()) {
            handOn(ctx, in);
            return null;
        }
        if (end > start) {
            ByteBuf run = in.retainedSlice(start, end - start);
            in.readerIndex(end);
            handOn(ctx, run);
        }
        return in;
    }

    /** Each whole frame of {@code in} on its own; returns what is left of it (null when nothing is). */
    private ByteBuf handOnFrames(ChannelHandlerContext ctx, ByteBuf in) {
        while (true) {
            int length = Frames.length(in);
            if (length > limit) {
                throw new ProtocolException("a packet of " + (length - Frames.HEADER) + " bytes before authentication");
            }
            if (length < 0 || in.readableBytes() < length) {
                return in;
            }
            if (in.readableBytes() == length) {
                handOn(ctx, in);
                diverted(null);
                return null;
            }
            handOn(ctx, in.readRetainedSlice(length));
            if (divert != null) {
                diverted(in);
                return null;
            }
        }
    }

    private void diverted(ByteBuf rest) {
        java.util.function.Consumer<ByteBuf> to = divert;
        divert = null;
        if (to != null) {
            to.accept(rest);
        }
    }

    private void handOn(ChannelHandlerContext ctx, ByteBuf frames) {
        handedOn = true;
        ctx.fireChannelRead(frames);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (read && !handedOn && !ctx.channel().config().isAutoRead()) {
            ctx.read(); // only part of a frame came: nothing after this handler has a reason to ask for the rest
        }
        read = false;
        handedOn = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
