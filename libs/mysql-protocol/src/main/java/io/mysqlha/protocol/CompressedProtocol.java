package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The compressed protocol (MySQL docs "Compression": CLIENT_COMPRESS with zlib, or MySQL 8.0.18+'s
 * CLIENT_ZSTD_COMPRESSION_ALGORITHM with zstd, each packet its own zstd frame) as a layer of its own, below the
 * frames: once the connection phase ended with its OK, every byte each side sends is carried in compressed packets
 * (int&lt;3&gt; compressed length, int&lt;1&gt; compressed sequence id, int&lt;3&gt; length before compression or 0
 * when the payload went as it is). A payload may hold part of a frame or several; this layer neither knows nor
 * cares, so the frames above it are exactly those of an uncompressed connection.
 * <p>
 * Inbound, each packet is inflated and its bytes go on; one that is not zlib data or does not inflate to the length
 * it announced is a {@link ProtocolException} (as the cause of netty's DecoderException), and nothing after it is
 * read. Outbound, what was written until a flush goes as one compressed packet per 16 MiB, as a
 * server compresses per flush; payloads under {@link #MIN_COMPRESS_LENGTH} bytes, and those compression does not
 * make smaller, go uncompressed, as the server sends them. The compressed sequence id answers the peer's: one past the
 * last it sent, counting up with each packet sent.
 */
public final class CompressedProtocol extends CombinedChannelDuplexHandler<CompressedProtocol.Inflating,
        CompressedProtocol.Deflating> {
    public static final int HEADER = 7;
    /** The server's MIN_COMPRESS_LENGTH: shorter payloads are not worth deflating. */
    public static final int MIN_COMPRESS_LENGTH = 50;

    /** The algorithm of a connection's compressed packets, from the capabilities the client negotiated. */
    public enum Algorithm {
        ZLIB, ZSTD;

        /** zlib when the client set CLIENT_COMPRESS (with or without zstd beside it, as servers do), else zstd. */
        public static Algorithm of(int capabilities) {
            return Capabilities.has(capabilities, Capabilities.COMPRESS) ? ZLIB : ZSTD;
        }
    }

    /** The level the gateway compresses with in zstd: the server's default (the client's own level is its side's). */
    public static final int ZSTD_LEVEL = 3;

    private final Algorithm algorithm;
    private int sequenceId;

    public CompressedProtocol() {
        this(Algorithm.ZLIB);
    }

    public CompressedProtocol(Algorithm algorithm) {
        this.algorithm = algorithm;
        init(new Inflating(), new Deflating());
    }

    /** Compressed packets in, the bytes they carry out. */
    public final class Inflating extends ByteToMessageDecoder {
        private final Inflater inflater = new Inflater();
        private boolean failed; // a packet was refused: the stream is out of step, what follows is dropped

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (!failed && in.readableBytes() >= HEADER) {
                int at = in.readerIndex();
                int compressed = in.getUnsignedMediumLE(at);
                if (in.readableBytes() < HEADER + compressed) {
                    return;
                }
                sequenceId = (in.getUnsignedByte(at + 3) + 1) & 0xff;
                int length = in.getUnsignedMediumLE(at + 4);
                in.skipBytes(HEADER);
                if (length == 0) {
                    out.add(in.readRetainedSlice(compressed));
                } else {
                    failed = true;
                    out.add(inflate(ctx, in.readSlice(compressed), length));
                    failed = false;
                }
            }
            if (failed) {
                in.skipBytes(in.readableBytes());
            }
        }

        private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf source, int length) {
            if (algorithm == Algorithm.ZSTD) {
                return unzstd(source, length);
            }
            ByteBuf target = ctx.alloc().buffer(length, length);
            try {
                inflater.reset();
                inflater.setInput(source.nioBuffer());
                ByteBuffer into = target.nioBuffer(0, length);
                while (into.hasRemaining() && !inflater.finished() && !inflater.needsInput()) {
                    inflater.inflate(into);
                }
                if (!inflater.finished() || into.hasRemaining()) {
                    throw new ProtocolException("a compressed packet that does not inflate to the " + length
                            + " bytes it announced (got " + (length - into.remaining()) + "): the compressed protocol"
                            + " is out of step");
                }
                target.writerIndex(length);
                return target;
            } catch (DataFormatException e) {
                target.release();
                throw new ProtocolException("a compressed packet that is not zlib data: " + e.getMessage());
            } catch (RuntimeException e) {
                target.release();
                throw e;
            }
        }

        private ByteBuf unzstd(ByteBuf source, int length) {
            byte[] in = new byte[source.readableBytes()];
            source.readBytes(in);
            try {
                byte[] out = com.github.luben.zstd.Zstd.decompress(in, length);
                if (out.length != length) {
                    throw new ProtocolException("a compressed packet that does not decompress to the " + length
                            + " bytes it announced (got " + out.length + "): the compressed protocol is out of step");
                }
                return Unpooled.wrappedBuffer(out);
            } catch (com.github.luben.zstd.ZstdException e) {
                throw new ProtocolException("a compressed packet that does not decompress to the " + length
                        + " bytes it announced, or is not zstd data (" + e.getMessage() + "): the compressed protocol"
                        + " is out of step");
            }
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) {
            inflater.end();
        }
    }

    /** Bytes written until a flush out as compressed packets. */
    public final class Deflating extends ChannelOutboundHandlerAdapter {
        private final Deflater deflater = new Deflater();
        private final List<ChannelPromise> promises = new ArrayList<>();
        private CompositeByteBuf pending;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof ByteBuf bytes)) {
                ctx.write(msg, promise);
                return;
            }
            if (pending == null) {
                pending = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            }
            pending.addComponent(true, bytes);
            promises.add(promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (pending != null) {
                CompositeByteBuf bytes = pending;
                List<ChannelPromise> written = List.copyOf(promises);
                pending = null;
                promises.clear();
                ChannelPromise done = ctx.newPromise();
                done.addListener(f -> written.forEach(p -> {
                    if (f.isSuccess()) {
                        p.trySuccess();
                    } else {
                        p.tryFailure(f.cause());
                    }
                }));
                try {
                    do { // the last write completes the promises of everything written until this flush
                        ByteBuf packet = bytes.isReadable() ? packet(ctx, bytes.readSlice(Math.min(
                                bytes.readableBytes(), Frames.MAX_PAYLOAD))) : Unpooled.EMPTY_BUFFER;
                        ctx.write(packet, bytes.isReadable() ? ctx.newPromise() : done);
                    } while (bytes.isReadable());
                } finally {
                    bytes.release();
                }
            }
            ctx.flush();
        }

        /** One compressed packet for {@code payload} (at most 16 MiB - 1), compressed when that makes it smaller. */
        private ByteBuf packet(ChannelHandlerContext ctx, ByteBuf payload) {
            int length = payload.readableBytes();
            int seq = sequenceId;
            sequenceId = (sequenceId + 1) & 0xff;
            if (length >= MIN_COMPRESS_LENGTH && algorithm == Algorithm.ZSTD) {
                byte[] in = new byte[length];
                payload.getBytes(payload.readerIndex(), in);
                byte[] packed = com.github.luben.zstd.Zstd.compress(in, ZSTD_LEVEL);
                if (packed.length < length) {
                    return ctx.alloc().buffer(HEADER + packed.length).writeMediumLE(packed.length).writeByte(seq)
                            .writeMediumLE(length).writeBytes(packed);
                }
            } else if (length >= MIN_COMPRESS_LENGTH) {
                ByteBuf out = ctx.alloc().buffer(HEADER + length);
                deflater.reset();
                deflater.setInput(payload.nioBuffer());
                deflater.finish();
                ByteBuffer into = out.nioBuffer(HEADER, length - 1);
                while (!deflater.finished() && into.hasRemaining()) {
                    deflater.deflate(into);
                }
                if (deflater.finished()) {
                    int deflated = length - 1 - into.remaining();
                    out.writerIndex(HEADER + deflated);
                    out.setMediumLE(0, deflated).setByte(3, seq).setMediumLE(4, length);
                    return out;
                }
                out.release(); // no smaller deflated: it goes as it is
            }
            ByteBuf header = ctx.alloc().buffer(HEADER).writeMediumLE(length).writeByte(seq).writeMediumLE(0);
            return ctx.alloc().compositeBuffer(2).addComponents(true, header, payload.retain());
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (pending != null) {
                pending.release();
                pending = null;
                promises.forEach(p -> p.tryFailure(new java.nio.channels.ClosedChannelException()));
                promises.clear();
            }
            deflater.end();
        }
    }
}
