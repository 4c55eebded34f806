package io.mysqlha.gateway.session;

import io.mysqlha.protocol.AuthSwitchRequestPacket;
import io.mysqlha.protocol.AuthSwitchResponsePacket;
import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.Command;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.HandshakeResponse41Packet;
import io.mysqlha.protocol.HandshakeV10Packet;
import io.mysqlha.protocol.NativePassword;
import io.mysqlha.protocol.OkPacket;
import io.mysqlha.protocol.ProtocolException;
import io.mysqlha.protocol.ResponseTracker;
import io.mysqlha.protocol.ServerStatus;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import org.jboss.logging.Logger;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client connection, on its Netty event loop. The gateway answers the handshake itself (its own scramble and
 * connection id), checks the client's mysql_native_password proof against the user's stored hash, then opens a
 * backend connection on the same event loop and authenticates as the client ({@link BackendSession}). After that,
 * frames go both ways as they are: the client's commands are only classified by their first byte (unsupported ones
 * are answered with 1047), and the backend's responses are followed by a {@link ResponseTracker} to know where each
 * ends and whether a transaction is open. Both channels read only when the other side can take more (AUTO_READ off).
 */
public final class ClientSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(ClientSession.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum Phase { GREETING, AUTH_SWITCH, CONNECTING, COMMANDS, CLOSED }

    private final SessionContext context;
    private final SessionContext.Route route;
    private final long connectionId;
    private final byte[] scramble = new byte[NativePassword.SCRAMBLE_LENGTH];
    private Phase phase = Phase.GREETING;
    private Channel client;
    private BackendSession backend;
    private HandshakeResponse41Packet handshake;
    private int capabilities;
    private byte[] hash;
    private byte[] stage1;
    private int nextSeq;
    private ResponseTracker tracker;
    private boolean clientContinues;
    private boolean counted;
    private ScheduledFuture<?> handshakeTimer;

    public ClientSession(SessionContext context, SessionContext.Route route) {
        this.context = context;
        this.route = route;
        this.connectionId = context.ids().incrementAndGet();
        for (int i = 0; i < scramble.length; i++) {
            scramble[i] = (byte) (0x21 + RANDOM.nextInt(0x7e - 0x21)); // printable, never NUL
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        counted = true;
        if (route.sessionMetrics().opened() > route.maxConnections()) {
            route.sessionMetrics().refusedTooMany();
            refuse(0, ErrPacket.ER_CON_COUNT_ERROR, "08004", "Too many connections");
            return;
        }
        HandshakeV10Packet greeting = new HandshakeV10Packet(context.serverVersion().get(), connectionId, scramble,
                Capabilities.GATEWAY, 45, ServerStatus.AUTOCOMMIT, 0, NativePassword.PLUGIN);
        client.writeAndFlush(Packets.frame(client.alloc(), 0, greeting::encode));
        handshakeTimer = client.eventLoop().schedule(() -> {
            if (phase == Phase.GREETING || phase == Phase.AUTH_SWITCH) {
                LOG.debugf("client %s did not finish the handshake in %d ms", client.remoteAddress(),
                        context.handshakeTimeoutMs());
                refuse(nextSeq, ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "Bad handshake: not completed within "
                        + context.handshakeTimeoutMs() + " ms");
            }
        }, context.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        client.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        switch (phase) {
            case COMMANDS -> fromClient(frame);
            case GREETING, AUTH_SWITCH -> {
                try {
                    handshakeFrame(frame);
                } catch (ProtocolException | IndexOutOfBoundsException e) {
                    refuse(nextSeq, ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "Bad handshake: " + e.getMessage());
                } finally {
                    frame.release();
                }
            }
            // a client that talks before the gateway said OK, or after it closed: nothing it says can be acted on
            case CONNECTING, CLOSED -> frame.release();
        }
    }

    private void handshakeFrame(ByteBuf frame) {
        int seq = Frames.sequenceId(frame);
        if (Frames.payloadLength(frame) == Frames.MAX_PAYLOAD) {
            throw new ProtocolException("a handshake packet of 16 MiB");
        }
        ByteBuf payload = frame.slice(frame.readerIndex() + Frames.HEADER, Frames.payloadLength(frame));
        if (phase == Phase.GREETING) {
            if (seq != 1) {
                refuse(seq + 1, ErrPacket.ER_NET_PACKETS_OUT_OF_ORDER, "08S01", "Got packets out of order");
                return;
            }
            if (payload.readableBytes() == HandshakeResponse41Packet.SSL_REQUEST_LENGTH
                    && Capabilities.has(payload.getIntLE(0), Capabilities.SSL)) {
                refuse(2, ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "this gateway does not offer TLS; connect without it"
                        + " (terminate TLS in front of the gateway)");
                return;
            }
            handshake = HandshakeResponse41Packet.decode(payload);
            capabilities = handshake.capabilities() & Capabilities.GATEWAY;
            nextSeq = 2;
            var known = context.users().get().hash(handshake.username());
            if (known.isEmpty()) {
                denied();
                return;
            }
            hash = known.get();
            if (handshake.authPluginName() != null && !NativePassword.PLUGIN.equals(handshake.authPluginName())) {
                if (!Capabilities.has(handshake.capabilities(), Capabilities.PLUGIN_AUTH)) {
                    denied();
                    return;
                }
                phase = Phase.AUTH_SWITCH;
                client.writeAndFlush(Packets.frame(client.alloc(), nextSeq,
                        new AuthSwitchRequestPacket(NativePassword.PLUGIN, scramble)::encode));
                nextSeq++;
                client.read();
                return;
            }
            checkProof(handshake.authResponse());
        } else {
            if (seq != nextSeq) {
                refuse(seq + 1, ErrPacket.ER_NET_PACKETS_OUT_OF_ORDER, "08S01", "Got packets out of order");
                return;
            }
            nextSeq = seq + 1;
            checkProof(AuthSwitchResponsePacket.decode(payload).data());
        }
    }

    private void checkProof(byte[] proof) {
        stage1 = NativePassword.verify(proof, scramble, hash);
        if (stage1 == null) {
            denied();
            return;
        }
        handshakeTimer.cancel(false);
        phase = Phase.CONNECTING;
        connectBackend();
    }

    private void denied() {
        route.sessionMetrics().authFailed();
        boolean withPassword = handshake.authResponse().length > 0;
        refuse(nextSeq, ErrPacket.ER_ACCESS_DENIED_ERROR, "28000", "Access denied for user '" + handshake.username()
                + "'@'" + host() + "' (using password: " + (withPassword ? "YES" : "NO") + ")");
    }

    private void connectBackend() {
        InetSocketAddress target = route.backend();
        if (target == null) {
            route.sessionMetrics().backendUnavailable();
            refuse(nextSeq, ErrPacket.BACKEND_UNAVAILABLE, "HY000", "mysqlha gateway: no " + route.role()
                    + " is available now");
            return;
        }
        tracker = new ResponseTracker(capabilities);
        backend = new BackendSession(this, handshake, capabilities, stage1, hash, target);
        new Bootstrap().group(client.eventLoop()).channel(client.getClass())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, context.connectTimeoutMs())
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), backend);
                    }
                })
                .connect(target).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        backendFailed("cannot reach " + route.role() + " " + address(target) + " ("
                                + f.cause().getMessage() + ")");
                    }
                });
    }

    /** The backend greeted the gateway: later clients are greeted with its version. */
    void backendGreeted(String serverVersion) {
        context.serverVersion().set(serverVersion);
    }

    /** The backend accepted the client's user: the client gets its OK and the session starts. */
    void backendReady(int statusFlags) {
        if (phase != Phase.CONNECTING) {
            return;
        }
        phase = Phase.COMMANDS;
        route.sessionMetrics().authenticated();
        client.writeAndFlush(Packets.frame(client.alloc(), nextSeq, b -> OkPacket.of(statusFlags).encode(b,
                capabilities)));
        client.read();
    }

    /** The backend refused the user or the connection: the client gets the reason, then the connection closes. */
    void backendRefused(ErrPacket err) {
        route.sessionMetrics().authFailed();
        refuse(nextSeq, err.errorCode(), err.sqlState(), err.message());
    }

    void backendFailed(String why) {
        if (phase == Phase.CLOSED) {
            return;
        }
        route.sessionMetrics().backendUnavailable();
        if (phase == Phase.CONNECTING) {
            refuse(nextSeq, ErrPacket.BACKEND_UNAVAILABLE, "HY000", "mysqlha gateway: " + why);
        } else if (tracker.busy()) {
            refuse(backend.nextSeqToClient(), ErrPacket.BACKEND_UNAVAILABLE, "08S01", "mysqlha gateway: lost "
                    + route.role() + " " + address(backend.target()) + " during the statement (" + why
                    + "); it may or may not have been applied");
        } else {
            close();
        }
    }

    // --- command phase: frames both ways as they are ---

    private void fromClient(ByteBuf frame) {
        int seq = Frames.sequenceId(frame);
        boolean continuation = clientContinues;
        clientContinues = Frames.payloadLength(frame) == Frames.MAX_PAYLOAD;
        if (continuation || seq != 0) {
            backend.channel().write(frame); // the rest of a large packet, or LOCAL INFILE data
            return;
        }
        int command = Frames.firstByte(frame);
        switch (command) {
            case Command.QUIT -> {
                frame.release();
                close();
            }
            case Command.BINLOG_DUMP, Command.BINLOG_DUMP_GTID, Command.CHANGE_USER, 0x0b, 0x10, 0x13, 0x14, 0x15,
                 -1 -> unsupported(frame, command);
            default -> {
                if (command > Command.RESET_CONNECTION && command != Command.STMT_BULK_EXECUTE) {
                    unsupported(frame, command);
                    return;
                }
                if (tracker.begin(command) && tracker.pending() == 1) {
                    backend.responseStarts();
                }
                backend.channel().write(frame);
            }
        }
    }

    private void unsupported(ByteBuf frame, int command) {
        frame.release();
        clientContinues = false;
        client.writeAndFlush(Packets.err(client.alloc(), 1, ErrPacket.ER_UNKNOWN_COM_ERROR, "08S01",
                "Unknown command: the mysqlha gateway does not pass " + Command.name(command) + " on"));
    }

    /** A frame of the backend's response: followed, then forwarded as it is. */
    void fromBackend(ByteBuf frame) {
        if (!tracker.busy()) {
            LOG.debugf("backend %s sent a packet with no command pending; closing the session",
                    address(backend.target()));
            frame.release();
            close();
            return;
        }
        try {
            tracker.onFrame(frame);
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            LOG.warnf("backend %s sent a response the gateway cannot follow (%s); closing the session",
                    address(backend.target()), e.getMessage());
            frame.release();
            close();
            return;
        }
        client.write(frame);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (phase != Phase.COMMANDS) {
            return;
        }
        Channel b = backend.channel();
        b.flush();
        if (b.isWritable()) {
            client.read();
        }
    }

    /** After a batch of backend frames: flush them to the client, read more from the backend if it can take it. */
    void backendReadComplete() {
        client.flush();
        if (client.isWritable()) {
            backend.channel().read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client.isWritable() && backend != null && phase == Phase.COMMANDS) {
            backend.channel().read();
        }
    }

    void backendWritable() {
        if (phase == Phase.COMMANDS) {
            client.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            route.sessionMetrics().closed();
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        phase = Phase.CLOSED;
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf("client %s: %s", ctx.channel().remoteAddress(), cause.getMessage());
        close();
    }

    private void refuse(int seq, int code, String state, String message) {
        phase = Phase.CLOSED;
        if (client.isActive()) {
            client.writeAndFlush(Packets.err(client.alloc(), seq, code, state, message))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        if (backend != null) {
            backend.close();
        }
    }

    void close() {
        phase = Phase.CLOSED;
        if (client.isActive()) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        if (backend != null) {
            backend.close();
        }
    }

    private String host() {
        return client.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
    }

    static String address(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    long connectionId() {
        return connectionId;
    }
}
