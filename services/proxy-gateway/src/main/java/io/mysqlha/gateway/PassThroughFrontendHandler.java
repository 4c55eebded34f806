package io.mysqlha.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

import java.net.InetSocketAddress;

/**
 * Client side of one pass-through connection. The backend connection is opened on the client's own event loop
 * (no thread hop), both channels have AUTO_READ off, and each side reads more only after the other side accepted
 * the last write: a slow client slows its server instead of filling memory.
 */
final class PassThroughFrontendHandler extends ChannelInboundHandlerAdapter {
    private final Listener listener;
    private Channel backend;

    PassThroughFrontendHandler(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        if (listener.metrics().open.incrementAndGet() > listener.maxConnections()) {
            listener.metrics().rejectedTooMany.increment();
            refuse(client, new InitialErrPacket(InitialErrPacket.TOO_MANY_CONNECTIONS, "08004", "Too many connections"));
            return;
        }
        InetSocketAddress target = listener.backend();
        Bootstrap b = new Bootstrap().group(client.eventLoop()).channel(client.getClass())
                .handler(new PassThroughBackendHandler(client))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, listener.connectTimeoutMs());
        backend = b.connect(target).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                listener.metrics().accepted.increment();
                client.read();
            } else {
                listener.metrics().backendUnavailable.increment();
                refuse(client, new InitialErrPacket(InitialErrPacket.BACKEND_UNAVAILABLE, "HY000",
                        "mysqlha gateway: cannot reach " + listener.role() + " " + target.getHostString() + ":"
                                + target.getPort() + " (" + f.cause().getMessage() + ")"));
            }
        }).channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        relay(msg, backend, ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        listener.metrics().open.decrementAndGet();
        if (backend != null) {
            closeOnFlush(backend);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeOnFlush(ctx.channel());
    }

    private static void refuse(Channel client, InitialErrPacket err) {
        client.writeAndFlush(err.encode(client.alloc())).addListener(ChannelFutureListener.CLOSE);
    }

    /** Writes to one side and reads more from the other only once the write went out: the backpressure step. */
    static void relay(Object msg, Channel to, Channel from) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                from.read();
            } else {
                f.channel().close();
            }
        });
    }

    /** Closes after everything queued was written, so a final error or result reaches the peer. */
    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
