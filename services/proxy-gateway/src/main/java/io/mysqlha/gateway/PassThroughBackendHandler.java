package io.mysqlha.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Server side of one pass-through connection: bytes back to the client, read more after each write. */
final class PassThroughBackendHandler extends ChannelInboundHandlerAdapter {
    private final Channel client;

    PassThroughBackendHandler(Channel client) {
        this.client = client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        PassThroughFrontendHandler.relay(msg, client, ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        PassThroughFrontendHandler.closeOnFlush(client);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PassThroughFrontendHandler.closeOnFlush(ctx.channel());
    }
}
