package io.mysqlha.gateway.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** How a backend connection is opened for a client's session. */
@FunctionalInterface
interface BackendConnector {
    /**
     * Connects {@code b} to {@code target}; {@code failed} hears why when no connection could be made (then nothing
     * else reports for {@code b}).
     */
    void connect(Channel client, BackendSession b, InetSocketAddress target, int timeoutMs, Consumer<Throwable> failed);

    /**
     * A TCP connection on the client's own event loop (both sides of a session on one thread, no locks), with the
     * client channel's transport; it reads only when asked (AUTO_READ off: the session reads when the client can take
     * more).
     */
    BackendConnector TCP = (client, b, target, timeoutMs, failed) -> new Bootstrap()
            .group(client.eventLoop()).channel(client.getClass())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(FrameDecoder.forBackend(), b);
                }
            })
            .connect(target).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    failed.accept(f.cause());
                }
            });
}
