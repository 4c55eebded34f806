package io.mysqlha.gateway.session;

import io.mysqlha.domain.QueryRule;
import io.mysqlha.gateway.split.CausalReads;
import io.mysqlha.gateway.split.SessionState;
import io.mysqlha.gateway.split.SplitRouter;
import io.mysqlha.gateway.split.SplitSettings;
import io.mysqlha.gateway.split.WriterPosition;
import io.mysqlha.gateway.sql.Classifier;
import io.mysqlha.gateway.sql.QueryDigests;
import io.mysqlha.gateway.sql.Statement;
import io.mysqlha.gateway.sql.StatementKind;
import io.mysqlha.protocol.AuthMoreDataPacket;
import io.mysqlha.protocol.CachingSha2Password;
import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.CompressedProtocol;
import io.mysqlha.protocol.ComChangeUserPacket;
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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import org.jboss.logging.Logger;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
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
    /** The open transaction was lost with its node (SQLSTATE 40001: frameworks retry the transaction). */
    static final int TRANSACTION_LOST = 9002;

    private enum Phase { GREETING, AUTH_SWITCH, CONNECTING, COMMANDS, CLOSED }

    private static final String TLS_HANDLER = "tls";

    /** The client half-closed: it sends nothing more, and the session ends once what it sent is answered. */
    private boolean inputEnded;

    private final SessionContext context;
    private final SessionContext.Route route;
    private final long connectionId;
    private final byte[] scramble = new byte[NativePassword.SCRAMBLE_LENGTH];
    private Phase phase = Phase.GREETING;
    private Channel client;
    /** A stretch of the run a backend is handing on, not written yet: [pendingFrom, pendingTo). */
    private ByteBuf pendingRun;
    private int pendingFrom;
    private int pendingTo;
    private volatile BackendSession backend;
    private BackendSession killer;
    private volatile HandshakeResponse41Packet handshake;
    private int capabilities;
    private AppUsers.User user;
    private byte[] stage1;
    /** The plugin the greeting named (the cluster's servers' default). */
    /** Whether this login already had the servers' users read again after a refusal (once per login). */
    private boolean usersReread;
    private String greetingPlugin = NativePassword.PLUGIN;
    /** The capabilities the greeting offered. */
    private int greetingCapabilities;
    /** The TLS context the greeting offered (null: none). */
    private io.netty.handler.ssl.SslContext tlsOffered;
    private int nextSeq;
    private ClientLogin login;
    /** With splitting: the connection to a reader, opened at the session's first read. */
    private volatile BackendSession reader;
    /** Where the last statement went (its answer may still be coming): the writer's connection or the reader's. */
    private volatile BackendSession active;
    /** Why the session stays on the writer (what it did lives on that connection only); null while it does not. */
    private volatile String pinned;
    private final SessionState state = new SessionState();
    private Classifier classifier;
    private long readerRoutesChecked = -1;
    private InetSocketAddress readerUnreachable;
    private long readerUnreachableAt = -1;
    /** A SET sent to the writer, kept as session state once it succeeds. */
    private Statement pendingSet;
    private String pendingSetText;
    /** The GTID of the session's last write (from the writer's session tracking), and what the reader has applied. */
    private CausalReads causal;
    /** Global causal reads: the next read needs the writer's position; one was asked for (see awaitWriterPosition). */
    private boolean positionDue = true;
    private boolean positionPending;
    /** The client set session tracking of GTIDs itself: the gateway's entries in OK packets are its too. */
    private boolean clientTracksGtids;
    /** The connection that answered the session's last CONNECTION_ID(): the thread a KILL by that id means. */
    private volatile BackendSession announcedBy;
    /**
     * A write whose GTID the gateway cannot know (the client cannot get session tracking, or the write returned rows
     * that ended in an EOF): from then on the session reads from the writer.
     */
    private boolean wroteUntracked;
    /**
     * The last statement sent to the writer may write (a COM_STMT_EXECUTE of a statement the gateway cannot name
     * counts as one): an answer of rows ending in an EOF then leaves it untracked (see writerAnswered).
     */
    private boolean sentWrite;
    /** The prepared statement of the last COM_STMT_* command, null when the gateway does not know it (-1). */
    private PreparedStatements.Prepared executing;
    private final PreparedStatements prepared = new PreparedStatements();
    private BackendSession statementTo;
    private long lastActive;
    private ScheduledFuture<?> idleTimer;
    /** The backend was given back while idle: the next connect is not a wait for a failover. */
    private boolean released;
    private io.mysqlha.gateway.sql.Digest digester;
    private QueryDigests.Entry digestEntry;
    private long digestStarted;
    private boolean clientContinues;
    private int statusFlags = ServerStatus.AUTOCOMMIT;
    private String schema;
    private String pendingSchema;
    private boolean transactionLost;
    private String lostOn;
    private boolean retried;
    private final java.util.ArrayDeque<ByteBuf> held = new java.util.ArrayDeque<>();
    private final List<ByteBuf> inFlight = new ArrayList<>();
    private ScheduledFuture<?> holdTimer;
    private long holdStarted;
    /** The routes version at which the current backend was last found to still serve (-1: not yet). */
    private long routesChecked = -1;
    /** The node a connect last failed to, and the routes' version then: not tried again until the routes move. */
    private InetSocketAddress unreachable;
    private long unreachableAt = -1;
    private boolean counted;
    private ScheduledFuture<?> handshakeTimer;
    /** The writer connection's side of multiplexing: the event loop's pool, what was given back, what waits. */
    private SharedConnection shared;
    /** The same for the reader connection (splitting): a reader goes back to the pool between reads. */
    private SharedConnection sharedReader;
    /**
     * The node of the session's reader connection, also between reads once the connection went back to the pool:
     * causal reads know what it applied while it stays that (null: none, or it was lost).
     */
    private volatile String readerNode;
    /** A reader connection is being chosen (readerFor): one ready at once is used there, not drained to. */
    private boolean choosingReader;

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
        shared = new SharedConnection(context.pools().of(client.eventLoop()), client.eventLoop(), pooledWriter);
        sharedReader = new SharedConnection(context.pools().of(client.eventLoop()), client.eventLoop(), pooledReader);
        counted = true;
        if (route.sessionMetrics().opened() > route.maxConnections()) {
            route.sessionMetrics().refusedTooMany();
            refuse(0, ErrPacket.ER_CON_COUNT_ERROR, "08004", "Too many connections");
            return;
        }
        context.sessions().put(connectionId, this);
        SessionContext.Flavour flavour = route.flavour().get();
        tlsOffered = route.tls(); // the one offered now, used if the client takes it up
        int offered = flavour.capabilities() | (tlsOffered == null ? 0 : Capabilities.SSL);
        HandshakeV10Packet greeting = new HandshakeV10Packet(flavour.serverVersion(), connectionId, scramble,
                offered, 45, ServerStatus.AUTOCOMMIT, flavour.mariadbCapabilities(), flavour.authPlugin());
        greetingPlugin = flavour.authPlugin();
        greetingCapabilities = offered;
        writeAndFlush(Packets.frame(client.alloc(), 0, greeting::encode));
        handshakeTimer = client.eventLoop().schedule(() -> {
            if (phase == Phase.GREETING || phase == Phase.AUTH_SWITCH) {
                LOG.debugf("client %s did not finish the handshake in %d ms", client.remoteAddress(),
                        context.handshakeTimeoutMs());
                refuse(loginSeq(), ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "Bad handshake: not completed within "
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
                    loginFrame(frame);
                } catch (RuntimeException e) { // anything a malformed handshake makes the decoders throw
                    refuse(loginSeq(), ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "Bad handshake");
                } finally {
                    frame.release();
                }
            }
            // a client that talks before the gateway said OK, or after it closed: nothing it says can be acted on
            case CONNECTING, CLOSED -> frame.release();
        }
    }

    /** Who may log in: the users of the gateway's secret, then those the cluster's servers define (if loaded). */
    private AppUsers.Lookup users() {
        AppUsers.Lookup fromSecret = context.users().get().lookup();
        SessionContext.ServerUsers fromServers = route.serverUsers();
        return fromServers == null ? fromSecret : fromSecret.orElse(fromServers);
    }

    private int loginSeq() {
        return login == null ? nextSeq : login.nextSeq();
    }

    /** A frame of the client's login: the next step is carried out here. */
    private void loginFrame(ByteBuf frame) {
        if (login == null) {
            login = new ClientLogin(scramble, users(), host(), greetingPlugin, greetingCapabilities,
                    route.requireTls(), route.flavour().get().mariadb());
        }
        loginStep(login.onFrame(frame));
    }

    private void loginStep(ClientLogin.Step step) {
        switch (step) {
            case ClientLogin.Reply r -> {
                phase = Phase.AUTH_SWITCH;
                nextSeq = r.seq() + 1;
                writeAndFlush(Packets.frame(client.alloc(), r.seq(), r.packet()));
                client.read();
            }
            case ClientLogin.StartTls t -> {
                // from the next byte on the client speaks TLS: what it already sent past its SSLRequest (the start
                // of its TLS handshake) goes to the TLS handler, not to the frame decoder
                // the handshake's computations where the gateway was told to run them: off the event loop, the
                // sessions it serves wait for no handshake
                io.netty.handler.ssl.SslHandler tls = context.tlsTasks() == null ? tlsOffered.newHandler(client.alloc())
                        : tlsOffered.newHandler(client.alloc(), context.tlsTasks());
                client.pipeline().get(FrameDecoder.class).divert(rest -> {
                    client.pipeline().addFirst(TLS_HANDLER, tls);
                    if (rest == null) {
                        client.read();
                    } else {
                        client.eventLoop().execute(() -> {
                            client.pipeline().fireChannelRead(rest);
                            client.pipeline().fireChannelReadComplete(); // the TLS handler asks for more as it needs
                        });
                    }
                });
            }
            case ClientLogin.Refuse r when r.denied() && !usersReread && route.serverUsers() != null -> {
                // perhaps an account created (or a password changed) on the servers a moment ago: read them again
                // and check the same answer once more before refusing
                usersReread = true;
                route.serverUsers().refreshNow().whenComplete((changed, e) -> client.eventLoop().execute(() -> {
                    if (phase == Phase.CLOSED || login == null) {
                        return;
                    }
                    loginStep(Boolean.TRUE.equals(changed) ? login.retry(users()) : r);
                }));
            }
            case ClientLogin.Refuse r -> {
                if (r.denied()) {
                    route.sessionMetrics().error(SessionMetrics.Cause.ACCESS_DENIED);
                }
                refuse(r.seq(), r.code(), r.sqlState(), r.message());
            }
            case ClientLogin.Authenticated a -> {
                if (a.fastAuthSeq() >= 0) { // caching_sha2_password's "fast authentication", before the OK
                    writeAndFlush(Packets.frame(client.alloc(), a.fastAuthSeq(), new AuthMoreDataPacket(
                            new byte[] {CachingSha2Password.FAST_AUTH_SUCCESS})::encode));
                }
                handshake = a.handshake();
                capabilities = a.capabilities();
                user = a.user();
                stage1 = a.stage1();
                nextSeq = a.nextSeq();
                login = null;
                handshakeTimer.cancel(false);
                phase = Phase.CONNECTING;
                schema = handshake.database();
                acquire();
            }
        }
    }

    /**
     * COM_CHANGE_USER: the new user logs in as at the start (an auth switch if its plugin is another), then the
     * session starts afresh: its backend connections go (an open transaction rolls back, as on the server), its
     * state and prepared statements are forgotten, and a new backend connection logs in as the new user before the
     * client hears OK. A refused user gets the server's 1045 and the connection closes.
     */
    private void changeUser(ByteBuf frame) {
        ComChangeUserPacket request;
        try {
            request = ComChangeUserPacket.decode(frame.slice(frame.readerIndex() + Frames.HEADER,
                    Frames.payloadLength(frame)), capabilities);
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            refuse(1, ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "Bad handshake: a COM_CHANGE_USER the gateway cannot"
                    + " read (" + e.getMessage() + ")");
            return;
        } finally {
            frame.release();
        }
        BackendSession old = backend;
        backend = null;
        active = null;
        shared.reset(true);
        if (old != null) {
            prepared.forget(old);
            old.close();
        }
        resetSession();
        causal = null;
        positionDue = true;
        wroteUntracked = false;
        announcedBy = null;
        statusFlags = ServerStatus.AUTOCOMMIT;
        usersReread = false;
        login = new ClientLogin(scramble, users(), host(), greetingPlugin, greetingCapabilities, false,
                route.flavour().get().mariadb());
        loginStep(login.changeUser(request, handshake));
    }

    // --- getting a backend: at login, after a node was lost, or when the topology moved between statements ---

    /** Connects to the route's node now, or waits (bounded) for the topology to name one. */
    private void acquire() {
        if (phase == Phase.CLOSED) {
            return;
        }
        InetSocketAddress target = route.backend();
        if (target != null && target.equals(unreachable) && unreachableAt == route.routesVersion()) {
            target = null; // it just refused us and the topology has not moved since: wait for it to move
        }
        if (target == null) {
            if (holdTimer == null) {
                holdTimer = client.eventLoop().schedule(this::holdExpired, context.holdTimeoutMs(),
                        TimeUnit.MILLISECONDS);
            }
            context.routesChanged().once(() -> client.eventLoop().execute(this::acquire));
            return;
        }
        io.mysqlha.domain.RoutingPolicy.ConnectionPool settings = route.pool();
        BackendPool.Node node = null;
        if (settings != null) {
            node = shared.node(route.cluster(), address(target), settings);
            if (shared.fromPool(node, new SharedConnection.Like(handshake.username(), capabilities,
                    handshake.mariadbCapabilities(), handshake.characterSet(), causal()), schemaKey(),
                    state.snapshot(), phase == Phase.CONNECTING ? new SharedConnection.Login(handshake, stage1, user)
                            : null)) {
                return;
            }
            if (!shared.mayOpen(node)) {
                shared.queue(node);
                return;
            }
        }
        List<String> setup = stateStatements(false);
        if (!ServerStatus.has(statusFlags, ServerStatus.AUTOCOMMIT)) {
            setup.add("SET autocommit=0");
        }
        HandshakeResponse41Packet login = handshake.withDatabase(schema);
        BackendSession next = new BackendSession(writerRole, login, capabilities, stage1, user, target, setup,
                causal(), forcedCapabilities());
        next.stateVersion(state.version());
        backend = next;
        active = next;
        if (node != null) {
            shared.counted(node, next);
        }
        connect(next, target);
    }

    // --- multiplexing: the writer connection goes back to the loop's pool between statements (see BackendPool) ---

    /** What the pool gives the session's writer connection (see SharedConnection). */
    private final SharedConnection.Session pooledWriter = new SharedConnection.Session() {
        @Override
        public void attach(BackendSession b) {
            b.listener(writerRole);
            b.stateVersion(state.version());
            backend = b;
            if (active == null) {
                active = b; // else the reader answered last: SHOW WARNINGS still goes there
            }
        }

        @Override
        public void ready(BackendSession b) {
            if (b == backend) {
                writerTaken(b, b.tracker().statusFlags());
            }
        }

        @Override
        public void acquire() {
            ClientSession.this.acquire();
        }

        @Override
        public void restoreFailed(BackendSession b, String why) {
            if (b != backend) {
                return;
            }
            LOG.debugf("session %d: a pooled connection to %s could not be given the session's state (%s); opening"
                    + " another", connectionId, b.node(), why);
            backend = null;
            active = null;
            b.close();
            ClientSession.this.acquire();
        }

        @Override
        public void noConnection(String detail) {
            route.sessionMetrics().error(SessionMetrics.Cause.QUEUE_TIMEOUT);
            String why = "mysqlha gateway: no free connection to " + route.role() + " " + detail;
            backend = null;
            active = null;
            if (phase == Phase.CONNECTING) {
                refuse(nextSeq, ErrPacket.BACKEND_UNAVAILABLE, "HY000", why);
                return;
            }
            failHeld(why);
        }
    };

    /** The session's schema as pooled connections are told apart by it ("" for none). */
    private String schemaKey() {
        return schema == null ? "" : schema;
    }

    /**
     * Whether the writer connection can go back to the pool now: multiplexing, a counted connection, nothing on it
     * that the next statement may need (no transaction, no pin, no prepared statement, autocommit on, no answer
     * owed, no last insert id or warnings just left, no CONNECTION_ID() asked).
     */
    private boolean mayGiveBack() {
        BackendSession b = backend;
        return b != null && mayLeave(b) && shared.free(b) && sessionIdle();
    }

    /** The writer connection goes back to the pool; the session takes it (or another) again at its next statement. */
    private void giveBack() {
        BackendSession b = backend;
        flushRun(); // what it handed on goes out before it changes hands
        client.flush();
        backend = null;
        if (active == b) {
            active = null;
        }
        released = true;
        // the routes' version at which the connection was last found to serve: a change since (even while its last
        // answer came) is checked before its next statement, as for a connection kept
        shared.giveBack(b, routesChecked);
    }

    /** Why the session keeps its writer connection between statements (the admin API), or null. */
    private String keptBecause() {
        if (pinned != null) {
            return pinned;
        }
        if (prepared.longDataPending()) {
            return "a prepared statement's data sent in pieces";
        }
        if (!ServerStatus.has(statusFlags, ServerStatus.AUTOCOMMIT)) {
            return "autocommit off";
        }
        return shared.keptBecause();
    }

    /** The session's own connection back at once, before its next statement, when nobody took it meanwhile. */
    private void takeBack() {
        long routes = route.routesVersion();
        BackendSession b = shared.takeBack(routes);
        if (b != null) {
            b.listener(writerRole);
            backend = b;
            if (active == null) {
                active = b; // else the reader answered last: SHOW WARNINGS still goes there
            }
            routesChecked = routes;
            released = false;
        }
    }

    private void connect(BackendSession next, InetSocketAddress target) {
        SessionContext.NodeTls nodeTls = route.nodeTls(); // null once the cluster's spec is gone (sessions go on)
        if (nodeTls != null && nodeTls.wanted(client.pipeline().get(TLS_HANDLER) != null)) {
            next.tls(nodeTls);
        }
        context.connector().connect(client, next, target, context.connectTimeoutMs(), cause -> {
            if (next == backend) {
                unreachable = target; // not tried again until the routes move
                unreachableAt = route.routesVersion();
                route.sessionMetrics().backendConnect(next.node(), false);
            }
            next.connectFailed("cannot reach " + route.role() + " " + address(target) + " (" + cause.getMessage()
                    + ")");
        });
    }

    private void holdExpired() {
        holdTimer = null;
        if (backend != null && backend.ready() || phase == Phase.CLOSED) {
            return;
        }
        route.sessionMetrics().error(SessionMetrics.Cause.HOLD_TIMEOUT);
        String why = "mysqlha gateway: no " + route.role() + " for cluster " + route.cluster() + " within "
                + context.holdTimeoutMs() + " ms";
        if (phase == Phase.CONNECTING) {
            refuse(nextSeq, ErrPacket.BACKEND_UNAVAILABLE, "HY000", why);
            return;
        }
        failHeld(why);
        backend = null;
    }

    /** Every held statement gets the error; the connection stays. */
    private void failHeld(String why) {
        heldFor();
        boolean first = true;
        for (ByteBuf frame; (frame = held.pollFirst()) != null; ) {
            if (Frames.sequenceId(frame) == 0 && (first || !held.isEmpty())) {
                write(Packets.err(client.alloc(), 1, ErrPacket.BACKEND_UNAVAILABLE, "HY000", why));
            }
            first = false;
            frame.release();
        }
        client.flush();
        client.read();
    }

    // --- what the session's backend connections report, each to the listener of its role ---

    /** What the writer and the reader connection report alike: their answers to the client's commands. */
    private abstract class Role implements BackendListener {
        /** The connection of this role now (another that reports is one given up). */
        abstract BackendSession current();

        @Override
        public void greeted(HandshakeV10Packet greeting) {
            route.flavour().set(SessionContext.Flavour.of(greeting)); // later clients are greeted as that server
        }

        @Override
        public void frame(BackendSession b, ByteBuf frame) {
            if (b == current()) {
                fromBackend(b, frame);
            } else {
                frame.release();
            }
        }

        /** Mid-result-set frames need nothing but {@link #passOn} while no statement waits to be let go of. */
        @Override
        public boolean passesOn(BackendSession b) {
            return b == current() && inFlight.isEmpty();
        }

        @Override
        public void passOn(BackendSession b, int at, int length) {
            ClientSession.this.passOn(b, at, length);
        }

        @Override
        public void endOfRun(ByteBuf run) {
            ClientSession.this.endOfRun(run);
        }

        /** After a batch of backend frames: flush them to the client, read more if it can take it. */
        @Override
        public void readComplete(BackendSession b) {
            client.flush();
            if (b == current() && client.isWritable()) {
                b.channel().read();
            }
        }

        @Override
        public void writable(BackendSession b) {
            if (b == current() && phase == Phase.COMMANDS) {
                client.read();
            }
        }
    }

    private final Role writerRole = new Role() {
        @Override
        BackendSession current() {
            return backend;
        }

        @Override
        public void ready(BackendSession b, int statusFlags) {
            writerReady(b, statusFlags);
        }

        @Override
        public void refused(BackendSession b, ErrPacket err) {
            writerRefused(b, err);
        }

        @Override
        public void failed(BackendSession b, String why) {
            writerFailed(b, why);
        }
    };

    private final Role readerRole = new Role() {
        @Override
        BackendSession current() {
            return reader;
        }

        @Override
        public void ready(BackendSession b, int statusFlags) {
            if (b != reader) {
                b.close();
                return;
            }
            route.sessionMetrics().backendConnect(b.node(), true);
            readerRoutesChecked = route.routesVersion();
            drainHeld();
        }

        @Override
        public void refused(BackendSession b, ErrPacket err) {
            if (b == reader) {
                readerLost(b, "it refused " + handshake.username() + ": " + err.message());
            }
        }

        @Override
        public void failed(BackendSession b, String why) {
            if (b == reader && phase != Phase.CLOSED) {
                readerLost(b, why);
            }
        }
    };

    /** The one-shot connection that carries out a KILL QUERY on another node: its login runs the KILL. */
    private final BackendListener killerRole = new BackendListener() {
        @Override
        public void greeted(HandshakeV10Packet greeting) {
            route.flavour().set(SessionContext.Flavour.of(greeting));
        }

        @Override
        public void ready(BackendSession b, int statusFlags) {
            killDone(b, null);
        }

        @Override
        public void refused(BackendSession b, ErrPacket err) {
            killDone(b, err.message());
        }

        @Override
        public void failed(BackendSession b, String why) {
            killDone(b, why);
        }
    };

    /** The writer took the user (and the session's state): the login completes, or held statements go out. */
    private void writerReady(BackendSession b, int status) {
        if (b != backend) {
            b.close();
            return;
        }
        route.sessionMetrics().backendConnect(b.node(), true);
        writerTaken(b, status);
    }

    /** A writer connection, new or from the pool, is ready for the session: the login completes, or held go out. */
    private void writerTaken(BackendSession b, int status) {
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
        routesChecked = -1;
        statusFlags = status;
        released = false;
        lastActive = System.nanoTime();
        active();
        if (phase == Phase.CONNECTING) {
            loggedIn(status);
            if (phase == Phase.COMMANDS && mayGiveBack()) {
                giveBack(); // an idle client holds no backend connection
            }
            return;
        }
        drainHeld();
    }

    /** The client's login ends with an OK: from now on it sends commands. */
    private void loggedIn(int status) {
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
        phase = Phase.COMMANDS;
        client.pipeline().get(FrameDecoder.class).unlimit();
        route.sessionMetrics().authenticated();
        writeAndFlush(Packets.frame(client.alloc(), nextSeq, p -> OkPacket.of(status).encode(p, capabilities)));
        if ((handshake.capabilities() & Capabilities.FRAMING) != 0
                && client.pipeline().get(CompressedProtocol.class) == null) {
            // after the OK that ends the connection phase, every byte of this hop goes compressed (from the login
            // on: a COM_CHANGE_USER is answered compressed, as it was asked)
            CompressedProtocol compressed = new CompressedProtocol(CompressedProtocol.Algorithm.of(
                    handshake.capabilities()));
            if (client.pipeline().get(TLS_HANDLER) != null) {
                client.pipeline().addAfter(TLS_HANDLER, null, compressed); // compressed, then encrypted
            } else {
                client.pipeline().addFirst(compressed);
            }
        }
        client.read();
        closeIfAnswered(); // a client that half-closed right after its login
    }

    /** Statements held (for a backend, or while another node finished answering) go out now, in order. */
    private void drainHeld() {
        if (held.isEmpty() || phase != Phase.COMMANDS || backend == null || !backend.ready()
                || active != null && active != backend && !active.ready() || killer != null) {
            return;
        }
        List<ByteBuf> due = new ArrayList<>(held);
        held.clear();
        heldFor();
        due.forEach(this::fromClient);
        flushBackends();
        client.read();
    }

    private void flushBackends() {
        if (backend != null && backend.channel() != null) {
            backend.channel().flush();
        }
        BackendSession r = reader;
        if (r != null && r.channel() != null) {
            r.channel().flush();
        }
    }

    /** The writer refused the user: at login the client gets the reason and is disconnected. */
    private void writerRefused(BackendSession b, ErrPacket err) {
        if (b != backend) {
            return;
        }
        route.sessionMetrics().error(SessionMetrics.Cause.ACCESS_DENIED);
        if (phase == Phase.CONNECTING) {
            refuse(nextSeq, err.errorCode(), err.sqlState(), err.message());
        } else {
            backend = null;
            failHeld("mysqlha gateway: " + address(b.target()) + " refused " + handshake.username() + ": "
                    + err.message());
        }
    }

    /**
     * The backend is gone. At login the client gets an error and is disconnected. Later the connection stays: a
     * statement in flight gets an error (a read on the read-only listener is first tried once more elsewhere), an
     * open transaction is reported lost on the next statement, and the next statement goes to the node the
     * topology names then.
     */
    private void writerFailed(BackendSession b, String why) {
        if (b != backend || phase == Phase.CLOSED) {
            return;
        }
        ResponseTracker tracker = b.tracker();
        backend = null;
        digestEntry = null;
        prepared.forget(b);
        prepared.writerLost();
        if (active == b) {
            active = null;
        }
        route.sessionMetrics().error(b.answered() || !tracker.busy() ? SessionMetrics.Cause.BACKEND_UNAVAILABLE
                : SessionMetrics.Cause.LOST_BACKEND);
        if (phase == Phase.CONNECTING && b.refusedByProtocol()) {
            refuse(nextSeq, ErrPacket.BACKEND_UNAVAILABLE, "HY000", "mysqlha gateway: " + why);
            return;
        }
        if (phase == Phase.CONNECTING) {
            // a client logging in while its node fails over waits for the next topology (bounded by the hold
            // timeout, then 9001) instead of being refused at once; the node is not tried again until routes move
            unreachable = b.target();
            unreachableAt = route.routesVersion();
            acquire();
            return;
        }
        boolean wasInTransaction = tracker.inTransaction();
        boolean busy = tracker.busy();
        int pending = tracker.pending();
        statusFlags = tracker.statusFlags() & ~ServerStatus.IN_TRANS;
        if (busy && pending == 1 && !wasInTransaction && !route.role().equals("writer") && !retried
                && !inFlight.isEmpty() && !b.answered()) {
            retried = true;
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                held.addFirst(inFlight.get(i)); // a read nobody answered yet: once more, on another reader
            }
            inFlight.clear();
            acquire();
            return;
        }
        releaseInFlight();
        if (busy && pending > 1) {
            close(); // pipelined statements lost at once: no way to answer each in order
            return;
        }
        if (busy) {
            writeAndFlush(Packets.err(client.alloc(), b.nextSeqToClient(), ErrPacket.BACKEND_UNAVAILABLE,
                    "HY000", "mysqlha gateway: lost " + route.role() + " " + address(b.target()) + " during the"
                            + " statement (" + why + "); it may or may not have been applied"
                            + (wasInTransaction ? "; the open transaction is lost" : "")));
        }
        transactionLost = wasInTransaction;
        lostOn = address(b.target());
        if (!held.isEmpty()) {
            acquire();
        } else {
            // the client's next statement acquires the next backend: read it. When the failure showed as the
            // statement's write, channelReadComplete found the backend unwritable and did not ask for it
            client.read();
        }
    }

    /**
     * The reader connection failed (to connect, or later). Reads go to the writer until the routes move: one in
     * flight that nobody answered yet is sent there; one half answered gets an error (the connection stays).
     */
    private void readerLost(BackendSession b, String why) {
        reader = null;
        readerNode = null;
        prepared.forget(b);
        readerChanged();
        readerUnreachable = b.target();
        readerUnreachableAt = route.routesVersion();
        if (active == b) {
            active = backend;
        }
        route.sessionMetrics().backendConnect(b.node(), b.wasReady());
        ResponseTracker tracker = b.tracker();
        if (tracker.busy() && tracker.pending() == 1 && !b.answered() && !inFlight.isEmpty()) {
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                held.addFirst(inFlight.get(i)); // nobody answered it: the writer will
            }
            inFlight.clear();
            if (backend == null) {
                acquire(); // a read sent without a writer connection: the writer answers it
            }
        } else if (tracker.busy()) {
            releaseInFlight();
            if (tracker.pending() > 1) {
                close();
                return;
            }
            route.sessionMetrics().error(SessionMetrics.Cause.LOST_BACKEND);
            writeAndFlush(Packets.err(client.alloc(), b.nextSeqToClient(), ErrPacket.BACKEND_UNAVAILABLE,
                    "HY000", "mysqlha gateway: lost reader " + address(b.target()) + " during the statement ("
                            + why + ")"));
        }
        b.close();
        drainHeld();
    }

    // --- command phase: frames both ways as they are ---

    private void fromClient(ByteBuf frame) {
        lastActive = System.nanoTime(); // a large statement arriving is not idleness
        int seq = Frames.sequenceId(frame);
        boolean continuation = clientContinues;
        if (killer != null) {
            held.addLast(frame); // after the kill's answer: answers go back in order
            return;
        }
        if (backend == null && held.isEmpty() && !continuation && seq == 0 && Frames.firstByte(frame) == Command.QUIT) {
            frame.release(); // nothing to take a connection for
            close();
            return;
        }
        Statement classified = null; // classified once: a statement that cannot go without the writer is routed below
        if (backend == null && held.isEmpty() && !continuation && seq == 0 && killer == null && route.split() != null
                && Frames.firstByte(frame) == Command.QUERY) {
            classified = classify(frame);
            if (readWithoutWriter(frame, classified)) {
                return;
            }
        }
        if (backend == null && shared.gaveBack() && held.isEmpty() && !continuation) {
            takeBack();
        }
        if (!held.isEmpty() || backend == null || !backend.ready() || active != null && !active.ready()) {
            hold(frame);
            return;
        }
        BackendSession on = active == null ? backend : active;
        if (!continuation && seq != 0 && !on.tracker().busy()) {
            frame.release(); // what mysqld does: say so, and close
            route.sessionMetrics().error(SessionMetrics.Cause.PROTOCOL);
            refuse((seq + 1) & 0xff, ErrPacket.ER_NET_PACKETS_OUT_OF_ORDER, "08S01", "Got packets out of order");
            return;
        }
        boolean file = on.tracker().awaitsFile();
        if (continuation || seq != 0 || file) {
            // set only as a frame goes out: a command held (and read again later) must still read as a command
            clientContinues = Frames.payloadLength(frame) == Frames.MAX_PAYLOAD;
            if (file) {
                on.tracker().fileData(Frames.payloadLength(frame));
            }
            keepInFlight(frame, on);
            on.channel().write(frame, on.channel().voidPromise()); // the rest of a large packet, or LOCAL INFILE data
            return;
        }
        int command = Frames.firstByte(frame);
        switch (command) {
            case Command.QUIT -> {
                frame.release();
                close();
            }
            case Command.CHANGE_USER -> {
                if (on.tracker().busy()) {
                    held.addLast(frame); // after the answers still coming
                    return;
                }
                changeUser(frame);
            }
            case Command.BINLOG_DUMP, Command.BINLOG_DUMP_GTID, 0x0b, 0x10, 0x13, 0x14, 0x15,
                 -1 -> unsupported(frame, command);
            default -> {
                if (command > Command.RESET_CONNECTION && command != Command.STMT_BULK_EXECUTE) {
                    unsupported(frame, command);
                    return;
                }
                if (transactionLost && !isRollback(frame)) {
                    transactionLost = false;
                    route.sessionMetrics().error(SessionMetrics.Cause.TRANSACTION_LOST);
                    frame.release();
                    writeAndFlush(Packets.err(client.alloc(), 1, TRANSACTION_LOST, "40001",
                            "mysqlha gateway: the open transaction was lost with " + lostOn + " (rolled back"
                                    + " there); start it again"));
                    return;
                }
                transactionLost = false;
                ResponseTracker writer = backend.tracker();
                if (!writer.busy() && !writer.inTransaction() && !on.tracker().busy()
                        && routesChecked != route.routesVersion() && !stillOnItsNode()) {
                    BackendSession old = backend;
                    statusFlags = writer.statusFlags();
                    backend = null;
                    active = null;
                    prepared.forget(old); // prepared again on the new node, from their text, when next used
                    old.close(); // the topology moved: the next statement goes to the node it names now
                    hold(frame);
                    return;
                }
                KillTarget kill = gatewayKill(frame, command);
                if (kill != null) {
                    frame.release();
                    frame = kill(kill);
                    if (frame == null) {
                        return;
                    }
                    classified = null; // another statement now
                }
                BackendSession to = backend;
                Statement statement = null;
                if (command == Command.QUERY) {
                    statement = classified != null ? classified : classify(frame);
                    if (statement.kind() == StatementKind.UNKNOWN) {
                        route.sessionMetrics().unclassified();
                    }
                    if (route.split() != null) {
                        to = target(statement, on, frame);
                        if (to == null) {
                            held.addLast(frame); // the reader is connecting, catching up, or the other node answers
                            return;
                        }
                    } else {
                        notePin(statement, java.util.Set.of()); // no splitting, but an idle release must not lose it
                    }
                } else if (isStatementCommand(command)) {
                    frame = statementCommand(frame, command, on);
                    if (frame == null) {
                        return; // held, or answered here
                    }
                    to = statementTo;
                } else if (on != backend && on.tracker().busy()) {
                    held.addLast(frame); // answers come back in order: after the reader's
                    return;
                }
                if (command == Command.RESET_CONNECTION) {
                    resetSession();
                    if (to == backend) {
                        to.wasReset(); // the node forgets it too
                    }
                }
                send(frame, command, to, statement);
            }
        }
    }

    // --- prepared statements: ids of the gateway's own, mapped to each backend's ---

    private static boolean isStatementCommand(int command) {
        return command == Command.STMT_PREPARE || command == Command.STMT_EXECUTE || command == Command.STMT_CLOSE
                || command == Command.STMT_RESET || command == Command.STMT_FETCH
                || command == Command.STMT_SEND_LONG_DATA || command == Command.STMT_BULK_EXECUTE;
    }

    /**
     * A COM_STMT_* command: the frame to send to {@link #statementTo} with the statement id that backend knows, or
     * null when it was held (the statement is being prepared there, or the other connection still answers) or
     * answered here. A statement prepared for reads executes on the reader when the session's reads would.
     */
    private ByteBuf statementCommand(ByteBuf frame, int command, BackendSession on) {
        if (command == Command.STMT_PREPARE || Frames.payloadLength(frame) < 5) {
            if (on != backend && on.tracker().busy()) {
                held.addLast(frame);
                return null;
            }
            if (command == Command.STMT_PREPARE) {
                prepared.sent(statementText(frame));
            }
            statementTo = backend;
            return frame;
        }
        int id = PreparedStatements.statementId(frame);
        PreparedStatements.Prepared p = prepared.get(id);
        executing = p;
        if (p == null) { // MariaDB's "the one just prepared" (-1), or an id the node will refuse itself
            if (on != backend && on.tracker().busy()) {
                held.addLast(frame);
                return null;
            }
            if (id == PreparedStatements.LAST_PREPARED && command == Command.STMT_EXECUTE) {
                prepared.pipelinedExecute(frame);
            }
            statementTo = backend;
            return frame;
        }
        if (command == Command.STMT_CLOSE) {
            ByteBuf original = frame;
            p.ids.forEach((b, backendId) -> {
                if ((b == backend || b == reader) && b.channel() != null && b.channel().isActive()) {
                    ByteBuf close = original.copy();
                    PreparedStatements.statementId(close, backendId);
                    b.channel().writeAndFlush(close); // no answer comes: it cannot mix with one
                }
            });
            prepared.remove(id);
            frame.release();
            return null;
        }
        BackendSession t = backend;
        if (command == Command.STMT_EXECUTE && route.split() != null && p.statement != null && !p.longData
                && PreparedStatements.executeFlags(frame) == 0 && !wroteUntracked) {
            boolean inTransaction = backend.tracker().busy() || ServerStatus.has(statusFlags, ServerStatus.IN_TRANS);
            boolean autocommit = ServerStatus.has(statusFlags, ServerStatus.AUTOCOMMIT);
            if (SplitRouter.target(p.statement, inTransaction, autocommit, pinned != null, null)
                    == SplitRouter.Target.READER && !(on == backend && on.tracker().busy())) {
                t = readerFor();
                if (t == null) {
                    held.addLast(frame);
                    return null;
                }
                if (p.failed.contains(t) || p.params > 0 && p.types == null && !p.typed.contains(t)
                        && PreparedStatements.types(frame, p.params) == null) {
                    t = backend; // it could not be prepared there, or its parameter types are not known here
                }
            }
        } else if ((command == Command.STMT_FETCH || command == Command.STMT_RESET) && p.lastExecutedOn != null
                && (p.lastExecutedOn == reader || p.lastExecutedOn == backend)) {
            t = p.lastExecutedOn; // the cursor or the bound data is where it last ran
        }
        // a cursor is fetched from later, by this session alone: on a pooled connection it runs on a statement of the
        // session's own there (another session's execute of a shared one would close it), and pins the session
        boolean cursor = command == Command.STMT_EXECUTE && t == backend && t.stmtCache != null
                && (PreparedStatements.executeFlags(frame) & PreparedStatements.CURSOR_TYPES) != 0;
        Integer backendId = cursor ? p.ids.get(t) : PreparedStatements.idOn(p, t);
        if (t != on && on.tracker().busy() || backendId == null && t.tracker().busy()) {
            held.addLast(frame);
            return null;
        }
        if (backendId == null) {
            if (p.failed.contains(t)) {
                frame.release();
                if (Command.hasResponse(command)) {
                    writeAndFlush(Packets.err(client.alloc(), 1, ErrPacket.BACKEND_UNAVAILABLE, "HY000",
                            "mysqlha gateway: the prepared statement could not be prepared again on " + t.node()
                                    + "; prepare it again"));
                }
                return null;
            }
            BackendSession there = t;
            there.internalPrepare(p.sql, a -> {
                if (a.ok()) {
                    PreparedStatements.preparedOn(p, there, Integer.parseInt(a.value()), cursor);
                    there.closeRetired(); // statements its cache let go (it is idle: the client's command waits)
                } else {
                    p.failed.add(there);
                    LOG.debugf("session %d: statement could not be prepared on %s: %s", connectionId, there.node(),
                            a.error());
                }
                drainHeld();
            });
            held.addLast(frame);
            return null;
        }
        if (command == Command.STMT_EXECUTE && !wroteUntracked && untracked() && p.statement != null
                && t == backend && p.statement.mayWrite()) {
            wroteUntracked = true;
        }
        statementTo = t;
        if (cursor) {
            pin("a cursor (COM_STMT_EXECUTE with a cursor type)");
        }
        if (p.statement != null && p.statement.has(Statement.F_CONNECTION_ID)) {
            announcedBy = t;
        }
        return prepared.mapTo(frame, command, p, t, backendId, client.alloc());
    }

    // --- idle sessions give their backend connections back ---

    private void active() {
        if (idleTimer == null && context.idleReleaseMs() > 0) {
            idleTimer = client.eventLoop().schedule(this::idleCheck, context.idleReleaseMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** One timer per session at most, moved on only when it fires: a statement costs a clock read. */
    private void idleCheck() {
        idleTimer = null;
        if (phase == Phase.COMMANDS && backend == null && reader != null && mayGiveBackReader()) {
            giveBackReader(); // the writer connection went back already; the reader stayed for the next statement
        }
        if (phase != Phase.COMMANDS || backend == null || pinned != null) {
            return; // closed, already released, or pinned to its connection for good
        }
        long idleMs = (System.nanoTime() - lastActive) / 1_000_000;
        if (idleMs < context.idleReleaseMs() || !releasable()) {
            idleTimer = client.eventLoop().schedule(this::idleCheck, Math.max(1, context.idleReleaseMs() - idleMs),
                    TimeUnit.MILLISECONDS);
            return;
        }
        BackendSession old = backend;
        backend = null;
        active = null;
        prepared.forget(old);
        old.close();
        leaveOrCloseReader();
        released = true;
        route.sessionMetrics().backendReleased();
    }

    /** Nothing lives on the connections that the next one would not be given (state, statements by their text). */
    private boolean releasable() {
        return idleBetweenTransactions(backend) && sessionIdle();
    }

    /** The writer connection {@code b} answered everything, outside a transaction, with nothing of it pending. */
    private boolean idleBetweenTransactions(BackendSession b) {
        return b.ready() && !b.tracker().busy() && !b.tracker().inTransaction()
                && !ServerStatus.has(statusFlags, ServerStatus.IN_TRANS) && killer == null && prepared.settled()
                && !transactionLost && !clientContinues;
    }

    /** Nothing of the session waits: no statement held, the reader idle, no SET or USE awaiting its answer. */
    private boolean sessionIdle() {
        BackendSession r = reader;
        return held.isEmpty() && (r == null || r.ready() && !r.tracker().busy()) && pendingSet == null
                && pendingSchema == null;
    }

    private void send(ByteBuf frame, int command, BackendSession to, Statement statement) {
        active();
        clientContinues = Frames.payloadLength(frame) == Frames.MAX_PAYLOAD; // the rest of it follows as it is
        if (to == backend) {
            rememberSchema(frame, command);
            if (statement != null && SplitRouter.isSessionState(statement)) {
                pendingSet = statement;
                pendingSetText = statementText(frame);
            }
            if (statement != null && !wroteUntracked && untracked() && statement.mayWrite()) {
                wroteUntracked = true;
            }
            // a COM_STMT_EXECUTE: what was prepared may write (one the gateway cannot name may)
            sentWrite = statement != null ? statement.mayWrite() : command == Command.STMT_EXECUTE
                    && (executing == null || executing.statement == null || executing.statement.mayWrite());
        }
        if (to != reader && reader != null) {
            sharedReader.movedOn(); // SHOW WARNINGS is about this statement now
            if (mayGiveBackReader()) {
                giveBackReader();
            }
        }
        active = to;
        if (statement != null && statement.has(Statement.F_PREVIOUS_STATEMENT)) {
            (to == backend ? shared : sharedReader).aboutPrevious();
        }
        if (statement != null && statement.has(Statement.F_CONNECTION_ID)) {
            announcedBy = to;
            (to == backend ? shared : sharedReader).connectionIdAsked();
        }
        to.countStatement(route.sessionMetrics());
        ResponseTracker tracker = to.tracker();
        if (tracker.begin(command) && tracker.pending() == 1) {
            to.responseStarts();
            releaseInFlight();
            retried = false;
            if (command == Command.QUERY) {
                startDigest(frame, to);
            }
        }
        keepInFlight(frame, to);
        to.channel().write(frame, to.channel().voidPromise()); // a failed write fails the backend's pipeline
    }

    /** The statement's digest entry, timed until its answer ends (statements pipelined behind others are not). */
    private void startDigest(ByteBuf frame, BackendSession to) {
        if (digester == null) {
            digester = new io.mysqlha.gateway.sql.Digest();
        }
        int at = frame.readerIndex() + Frames.HEADER + 1;
        int end = at + Frames.payloadLength(frame) - 1;
        long hash = digester.hash(frame, at, end);
        digestEntry = route.sessionMetrics().digests().entry(hash, to == reader ? "reader" : route.role(),
                () -> digester.text(frame, at, end));
        to.tracker().takeRows();
        digestStarted = System.nanoTime();
    }

    // --- splitting on the read/write listener ---

    private Statement classify(ByteBuf frame) {
        if (classifier == null) {
            classifier = new Classifier();
        }
        int at = frame.readerIndex() + Frames.HEADER + 1;
        return classifier.classify(frame, at, at + Frames.payloadLength(frame) - 1);
    }

    /**
     * A read while the session holds no writer connection goes to its reader connection without borrowing one
     * (ProxySQL's way: a read costs the writer's pool nothing), when nothing would send it to the writer (no
     * transaction, autocommit on, nothing pinned or about to be, no query rules to ask) and the reader can answer it as
     * it is: ready, in the session's state, caught up with the session's writes. False: the usual path, a writer
     * connection first (it sees to the rest: opening or restoring the reader, causal waits).
     */
    private boolean readWithoutWriter(ByteBuf frame, Statement s) {
        SplitSettings split = route.split();
        if (transactionLost || pinned != null || wroteUntracked || !split.rules().isEmpty()
                || Frames.payloadLength(frame) == Frames.MAX_PAYLOAD
                || ServerStatus.has(statusFlags, ServerStatus.IN_TRANS)
                || !ServerStatus.has(statusFlags, ServerStatus.AUTOCOMMIT)
                || SplitRouter.target(s, false, true, false, null) != SplitRouter.Target.READER
                || SplitRouter.pinReason(s, split.carried()) != null) {
            return false;
        }
        BackendSession r = readyReader();
        if (r == null) {
            return false;
        }
        send(frame, Command.QUERY, r, s);
        return true;
    }

    /**
     * The session's own reader connection (kept, or taken back from the pool when nobody took it) when a read can go
     * to it as it is; null when the usual path must see to it (a reader of the pool, state to restore, a causal wait).
     * It never holds a reader connection it cannot use while the usual path waits for a writer connection: sessions
     * waiting for a writer holding a reader, and for a reader holding a writer, would wait for each other.
     */
    private BackendSession readyReader() {
        if (positionDue && globalReads() || causal != null && !causal.readsAtOnce()) {
            return null;
        }
        BackendSession r = reader;
        boolean takenBack = false;
        if (r == null && sharedReader.gaveBack()) {
            r = takeBackReader();
            takenBack = r != null;
        }
        if (r == null) {
            return null;
        }
        if (!r.ready() || r.stateVersion() != state.version() || readerRoutesChecked != route.routesVersion()
                && !route.readerServes(r.target())) {
            if (takenBack && mayGiveBackReader()) {
                giveBackReader();
            }
            return null;
        }
        readerRoutesChecked = route.routesVersion();
        return r;
    }

    /**
     * The connection this statement goes to, or null when it must wait (held, then sent when the reader is ready or
     * the other connection finished answering). {@code on}: where the previous statement went.
     */
    private BackendSession target(Statement s, BackendSession on, ByteBuf frame) {
        SplitSettings split = route.split();
        notePin(s, split.carried());
        boolean inTransaction = backend.tracker().busy() || ServerStatus.has(statusFlags, ServerStatus.IN_TRANS);
        boolean autocommit = ServerStatus.has(statusFlags, ServerStatus.AUTOCOMMIT);
        QueryRule.Destination ruled = split.rules().isEmpty() ? null : split.rules().evaluate(
                () -> statementText(frame), () -> digestText(frame), handshake.username(), schema);
        SplitRouter.Target t = SplitRouter.target(s, inTransaction, autocommit, pinned != null, ruled);
        if (t == SplitRouter.Target.PREVIOUS) {
            return on;
        }
        if (t == SplitRouter.Target.WRITER || wroteUntracked) {
            return on != backend && on.tracker().busy() ? null : backend;
        }
        if (on == backend && on.tracker().busy()) {
            return backend; // a read pipelined behind a write: where the write is, so it sees it
        }
        return readerFor();
    }

    /** The session stays on its writer connection from now on, for this reason. */
    private void pin(String why) {
        if (pinned == null) {
            pinned = why;
            route.sessionMetrics().pinned(why);
        }
    }

    /** What the statement leaves on its connection that cannot be carried elsewhere pins the session there. */
    private void notePin(Statement s, java.util.Set<String> carried) {
        if (pinned == null) {
            String why = SplitRouter.pinReason(s, carried);
            if (why != null) {
                pin(why);
            }
        }
    }

    /** The reader connection, ready and caught up with the session; null while it gets there; the writer if none. */
    private BackendSession readerFor() {
        BackendSession r = reader;
        if (r == null && sharedReader.gaveBack()) {
            r = takeBackReader();
        }
        if (r != null && readerRoutesChecked != route.routesVersion()) {
            if (route.readerServes(r.target())) {
                readerRoutesChecked = route.routesVersion();
            } else {
                closeReader(); // no longer a reader: the next is chosen by weight
                r = null;
            }
        }
        if (r == null) {
            InetSocketAddress target = route.readerBackend();
            if (target == null || target.equals(readerUnreachable) && readerUnreachableAt == route.routesVersion()
                    || address(target).equals(backend.node())) {
                return backend; // no reader now, or the writer is the reader chosen
            }
            openReader(target);
            r = reader;
            if (r == null) {
                return null; // in line for a connection to the reader
            }
        }
        if (!r.ready()) {
            return null;
        }
        if (r.stateVersion() != state.version()) {
            long version = state.version();
            BackendSession resynced = r;
            readerDeadline(r, context.holdTimeoutMs(), "restoring the session's state");
            r.internal(stateStatements(true), a -> {
                if (a.ok()) {
                    resynced.stateVersion(version);
                    resynced.schema(schema);
                    resynced.state(state.snapshot()); // as a pool tells connections apart
                } else {
                    readerLost(resynced, "bringing it to the session's state failed: " + a.error());
                    return;
                }
                drainHeld();
            });
            return null;
        }
        if (positionDue && globalReads()) {
            awaitWriterPosition();
            return null;
        }
        BackendSession chosen = causal == null ? r : switch (causal.beforeRead(r.isMariaDb())) {
            case CausalReads.Read read -> r;
            case CausalReads.Writer writer -> backend;
            case CausalReads.Wait wait -> {
                waitForGtid(r, wait);
                yield null;
            }
        };
        if (chosen != null) {
            positionDue = true; // the next read arrives later: it needs the writer's position of its own
        }
        return chosen;
    }

    /**
     * A reader connection to {@code target} becomes the session's: under multiplexing a free one from the node's pool
     * (brought to the session's schema and state) or a new one while the node's limit allows, else the session waits
     * in the node's line ({@link #reader} stays null, and the held reads go when woken); without, a new one.
     */
    private void openReader(InetSocketAddress target) {
        io.mysqlha.domain.RoutingPolicy.ConnectionPool settings = route.pool();
        BackendPool.Node node = null;
        if (settings != null) {
            node = sharedReader.node(route.cluster(), address(target), settings);
            boolean pooled;
            choosingReader = true;
            try {
                pooled = sharedReader.fromPool(node, new SharedConnection.Like(handshake.username(), capabilities,
                        handshake.mariadbCapabilities(), handshake.characterSet(), false), schemaKey(),
                        state.snapshot(), null);
            } finally {
                choosingReader = false;
            }
            if (pooled) {
                BackendSession b = reader;
                if (b != null && !b.ready()) {
                    readerDeadline(b, context.holdTimeoutMs(), "restoring the session's state");
                }
                return;
            }
            if (!sharedReader.mayOpen(node)) {
                sharedReader.queue(node);
                return;
            }
        }
        List<String> setup = stateStatements(false); // the login names the schema
        BackendSession r = new BackendSession(readerRole, handshake.withDatabase(schema), capabilities, stage1, user,
                target, setup, false, forcedCapabilities());
        r.stateVersion(state.version());
        reader = r;
        readerOn(r);
        if (node != null) {
            sharedReader.counted(node, r);
        }
        connect(r, target);
        readerDeadline(r, context.connectTimeoutMs() + context.holdTimeoutMs(), "logging in");
    }

    /** The session reads from {@code r} now: causal reads forget what another node applied. */
    private void readerOn(BackendSession r) {
        if (!r.node().equals(readerNode)) {
            readerChanged();
            readerNode = r.node();
        }
    }

    /** What the pool gives the session's reader connection (see SharedConnection). */
    private final SharedConnection.Session pooledReader = new SharedConnection.Session() {
        @Override
        public void attach(BackendSession b) {
            b.listener(readerRole);
            b.stateVersion(state.version());
            reader = b;
            readerOn(b);
        }

        @Override
        public void ready(BackendSession b) {
            if (b == reader) {
                readerRoutesChecked = route.routesVersion();
                if (!choosingReader) {
                    drainHeld();
                }
            }
        }

        @Override
        public void acquire() {
            drainHeld(); // the held read asks for a reader again
        }

        @Override
        public void restoreFailed(BackendSession b, String why) {
            if (b != reader) {
                return;
            }
            LOG.debugf("session %d: a pooled connection to reader %s could not be given the session's state (%s);"
                    + " opening another", connectionId, b.node(), why);
            reader = null;
            if (active == b) {
                active = null;
            }
            b.close();
            drainHeld();
        }

        @Override
        public void noConnection(String detail) {
            route.sessionMetrics().error(SessionMetrics.Cause.QUEUE_TIMEOUT);
            failHeld("mysqlha gateway: no free connection to reader " + detail);
        }
    };

    /**
     * Whether the reader connection can go back to the pool now: multiplexing, a counted connection that answered
     * everything, nothing the next statement may need of it (warnings for SHOW WARNINGS, CONNECTION_ID()), nothing
     * of the session waiting.
     */
    private boolean mayGiveBackReader() {
        BackendSession r = reader;
        return r != null && readerMayLeave(r) && sharedReader.free(r) && held.isEmpty() && !clientContinues;
    }

    /** Whether the reader connection is pooled and idle: it may outlive its use by this session in the pool. */
    private boolean readerMayLeave(BackendSession r) {
        return route.pool() != null && r.poolNode != null && r.ready() && !r.tracker().busy()
                && !r.tracker().inTransaction();
    }

    /** The reader connection goes back to the pool; the session's next read takes it (or another) again. */
    private void giveBackReader() {
        flushRun(); // what it handed on goes out before it changes hands
        client.flush();
        leaveReader();
    }

    /** The reader connection leaves the session for the pool (its answers already went on). */
    private void leaveReader() {
        BackendSession r = reader;
        reader = null;
        if (active == r) {
            active = null;
        }
        sharedReader.giveBack(r, readerRoutesChecked);
    }

    /** The session's own reader connection back, when the routes stand and nobody took it meanwhile; else null. */
    private BackendSession takeBackReader() {
        long routes = route.routesVersion();
        BackendSession b = sharedReader.takeBack(routes);
        if (b != null) {
            b.listener(readerRole);
            reader = b;
            readerRoutesChecked = routes;
        }
        return b;
    }

    /** The session ends or idles: its reader connection goes back to the pool when it may, else it is closed. */
    private void leaveOrCloseReader() {
        BackendSession r = reader;
        if (r != null && readerMayLeave(r)) {
            leaveReader();
        } else {
            closeReader();
        }
    }

    /**
     * Global causal reads: the writer's position as of now, shared with the reads of other sessions that wait for
     * one (see {@link WriterPosition}); then the read goes as a session's read after a write of that position would.
     * The writer answers it when the position does not come in time.
     */
    private void awaitWriterPosition() {
        if (!positionPending) {
            positionPending = true;
            route.writerPosition().await(positionWaiter);
        }
    }

    /** The session's place in {@link WriterPosition}'s rounds: one read of it waits at a time. */
    private final WriterPosition.Waiter positionWaiter = new WriterPosition.Waiter() {
        @Override
        public void leads(WriterPosition.Round round) {
            if (client.eventLoop().inEventLoop()) {
                readPosition(round);
            } else {
                client.eventLoop().execute(() -> readPosition(round));
            }
        }

        @Override
        public void position(String gtid) {
            if (client.eventLoop().inEventLoop()) {
                positionRead(gtid);
            } else {
                client.eventLoop().execute(() -> positionRead(gtid));
            }
        }
    };

    /** This session leads a round: it reads the writer's position on its own writer connection. */
    private void readPosition(WriterPosition.Round round) {
        WriterPosition positions = route.writerPosition();
        BackendSession b = backend;
        if (phase == Phase.CLOSED || b == null || !b.ready() || route.split() == null) {
            positions.answered(round, null);
            return;
        }
        // the round's deadline: a writer connection that dies now leaves no read waiting for it
        ScheduledFuture<?> deadline = client.eventLoop().schedule(() -> positions.answered(round, null),
                route.split().causalTimeoutMs() + context.holdTimeoutMs(), TimeUnit.MILLISECONDS);
        b.internal(b.isMariaDb() ? MARIADB_POSITION : MYSQL_POSITION, a -> {
            deadline.cancel(false);
            positions.answered(round, a.ok() ? (a.value() == null ? "" : a.value()) : null);
            drainHeld(); // the leader's own connection is ready again
        });
    }

    private static final List<String> MARIADB_POSITION = List.of("SELECT @@GLOBAL.gtid_binlog_pos");
    private static final List<String> MYSQL_POSITION = List.of("SELECT @@GLOBAL.gtid_executed");

    private void positionRead(String gtid) {
        if (!positionPending || phase == Phase.CLOSED || route.split() == null) {
            return;
        }
        positionPending = false;
        positionDue = false;
        if (causal == null) {
            causal = new CausalReads(route.split().causalTimeoutMs());
        }
        if (gtid == null) {
            causal.writerOnce();
        } else {
            causal.wrote(gtid);
        }
        drainHeld();
    }

    private boolean globalReads() {
        SplitSettings split = route.split();
        return split != null && split.causalReads() == io.mysqlha.domain.RoutingPolicy.CausalReads.GLOBAL;
    }

    /**
     * Causal reads: the reader waits (bounded) until it applied the session's last write. Then it answers the read;
     * else the writer does, and later reads of the same write ask the reader again without waiting.
     */
    private void waitForGtid(BackendSession r, CausalReads.Wait wait) {
        long started = System.nanoTime();
        readerDeadline(r, wait.timeoutMs() + context.holdTimeoutMs(), "waiting for GTID " + wait.gtid());
        r.internal(List.of(wait.statement()), a -> {
            boolean applied = a.ok() && "0".equals(a.value());
            route.sessionMetrics().causalWait(System.nanoTime() - started, applied);
            causal.waited(wait.gtid(), applied);
            drainHeld();
        });
    }

    /**
     * A reader that does not become ready in time (it accepted the connection but is frozen, say) is given up: the
     * held reads go to the writer instead of waiting on it.
     */
    private void readerDeadline(BackendSession r, long ms, String what) {
        long step = ++readerStep;
        client.eventLoop().schedule(() -> {
            if (reader == r && step == readerStep && !r.ready() && phase != Phase.CLOSED) {
                readerLost(r, what + " took longer than " + ms + " ms");
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    private long readerStep;


    /** Whether the writer connection reports the GTID of each write (its node has session tracking). */
    private boolean tracksGtids() {
        BackendSession b = backend;
        return causal() && b != null && b.hasSessionTrack();
    }

    /** Session causal reads without the GTIDs of the session's writes: after one, the writer answers its reads. */
    private boolean untracked() {
        return causal() && !tracksGtids();
    }

    /** Session causal reads: each write's GTID from the writer's session tracking. */
    private boolean causal() {
        SplitSettings split = route.split();
        return split != null && split.causalReads() == io.mysqlha.domain.RoutingPolicy.CausalReads.SESSION;
    }

    /**
     * Causal reads need each write's GTID, which only session tracking reports: backends are asked for it even
     * when the client did not negotiate it, and their OK packets are then turned back into the client's format.
     */
    private int forcedCapabilities() {
        return causal() ? Capabilities.SESSION_TRACK : 0;
    }


    /** What brings another connection to this session's state (the schema for a connection already open). */
    private List<String> stateStatements(boolean withSchema) {
        List<String> statements = new ArrayList<>();
        if (withSchema && schema != null && !schema.isEmpty()) {
            statements.add("USE `" + schema.replace("`", "``") + "`");
        }
        statements.addAll(state.statements());
        return statements;
    }

    private void readerChanged() {
        if (causal != null) {
            causal.readerChanged();
        }
    }

    private void closeReader() {
        BackendSession r = reader;
        reader = null;
        readerNode = null;
        readerChanged();
        if (active == r) {
            active = backend;
        }
        if (r != null) {
            prepared.forget(r);
            r.close();
        }
    }

    /** COM_RESET_CONNECTION: the node forgets the session's state; so does the gateway, and the reader goes. */
    private void resetSession() {
        shared.reset(false);
        sharedReader.reset(true); // a reader given back keeps the old state: not taken back
        state.reset();
        prepared.clear();
        pinned = null;
        closeReader();
    }

    private String digestText(ByteBuf frame) {
        int at = frame.readerIndex() + Frames.HEADER + 1;
        if (digester == null) {
            digester = new io.mysqlha.gateway.sql.Digest();
        }
        return digester.text(frame, at, at + Frames.payloadLength(frame) - 1);
    }

    private static String statementText(ByteBuf frame) {
        return frame.toString(frame.readerIndex() + Frames.HEADER + 1, Frames.payloadLength(frame) - 1,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Whether the session's node still has its role. Asked only when the routes changed since the last answer: a
     * statement on unchanged routes costs one comparison.
     */
    private boolean stillOnItsNode() {
        long version = route.routesVersion();
        boolean serves = route.stillServes(backend.target());
        if (serves) {
            routesChecked = version;
        }
        return serves;
    }

    /**
     * What a KILL names that the gateway carries out itself: one of its sessions by the id of its greeting, or by a
     * backend thread it holds (what {@code CONNECTION_ID()} returned to it, on whichever node answered), among the
     * sessions of the same user on this gateway. Thread ids are counters of each node, so one id may be held on
     * two nodes: the session whose {@code CONNECTION_ID()} was answered by that thread is the one meant; when that
     * does not settle it, the KILL is refused. Null: the KILL goes to the writer as it is.
     */
    private record KillTarget(Kill kill, ClientSession session, String refusal) {
    }

    private KillTarget gatewayKill(ByteBuf frame, int command) {
        int length = Frames.payloadLength(frame) - 1;
        Kill kill = null;
        if (command == Command.PROCESS_KILL && length >= 4) {
            kill = new Kill(false, frame.getUnsignedIntLE(frame.readerIndex() + Frames.HEADER + 1));
        } else if (command == Command.QUERY && length < 80 && StatementStart.is(frame, frame.readerIndex()
                + Frames.HEADER + 1, frame.readerIndex() + Frames.HEADER + 1 + length, "kill")) {
            kill = Kill.parse(frame.toString(frame.readerIndex() + Frames.HEADER + 1, length,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        if (kill == null) {
            return null;
        }
        ClientSession named = context.sessions().get(kill.id());
        if (named != null) {
            return new KillTarget(kill, named, null);
        }
        List<Kill.Holder<ClientSession>> holders = new ArrayList<>();
        for (ClientSession other : context.sessions().values()) {
            HandshakeResponse41Packet h = other.handshake;
            if (h == null || !h.username().equals(handshake.username())
                    || !other.route.cluster().equals(route.cluster())) {
                continue;
            }
            for (BackendSession b : new BackendSession[] {other.backend, other.reader}) {
                if (b != null && b.threadId() == kill.id()) {
                    holders.add(new Kill.Holder<>(other, b.node(), other.announcedBy == b));
                }
            }
        }
        Kill.Resolution<ClientSession> meant = Kill.resolve(kill.id(), holders);
        return meant == null ? null : new KillTarget(kill, meant.session(), meant.refusal());
    }

    /**
     * Carries out a KILL the gateway resolved: a whole connection is closed here; a query is killed on the node
     * that runs it, by its thread id there. Returns the frame to send on this session's own backend (when it is on
     * the same node), or null when the answer is given here or comes from a one-shot connection to that node.
     */
    private ByteBuf kill(KillTarget kill) {
        if (kill.refusal() != null) {
            writeAndFlush(Packets.err(client.alloc(), 1, ErrPacket.ER_NO_SUCH_THREAD, "HY000",
                    "Unknown thread id: " + kill.refusal()));
            return null;
        }
        ClientSession target = kill.session();
        if (!kill.kill().queryOnly()) {
            target.client.eventLoop().execute(target::close);
            writeAndFlush(Packets.frame(client.alloc(), 1, p -> OkPacket.of(statusFlags).encode(p,
                    capabilities)));
            return null;
        }
        BackendSession running = target.active != null ? target.active : target.backend;
        if (running == null || !running.ready()) {
            writeAndFlush(Packets.frame(client.alloc(), 1, p -> OkPacket.of(statusFlags).encode(p,
                    capabilities)));
            return null;
        }
        String statement = "KILL QUERY " + running.threadId();
        if (address(running.target()).equals(address(backend.target()))) {
            return Packets.frame(client.alloc(), 0, new io.mysqlha.protocol.ComPackets.ComQueryPacket(statement)::encode);
        }
        killer = new BackendSession(killerRole, handshake.withDatabase(null), capabilities, stage1, user, running.target(),
                List.of(statement), false, 0);
        connect(killer, running.target());
        return null;
    }

    private void killDone(BackendSession b, String failure) {
        killer = null;
        b.close();
        writeAndFlush(failure == null
                ? Packets.frame(client.alloc(), 1, p -> OkPacket.of(statusFlags).encode(p, capabilities))
                : Packets.err(client.alloc(), 1, ErrPacket.BACKEND_UNAVAILABLE, "HY000", "mysqlha gateway: the KILL"
                        + " could not be carried out: " + failure));
        List<ByteBuf> due = new ArrayList<>(held);
        held.clear();
        due.forEach(this::fromClient);
        flushBackends();
        client.read();
    }

    private void heldFor() {
        if (holdStarted != 0) {
            route.sessionMetrics().held(System.nanoTime() - holdStarted);
            holdStarted = 0;
        }
    }

    private void hold(ByteBuf frame) {
        if (held.isEmpty() && (backend == null || !backend.ready()) && !released) {
            holdStarted = System.nanoTime(); // waiting for a backend (not for the reader's answer to end)
        }
        held.addLast(frame);
        if (backend == null) {
            acquire();
        }
    }

    /** A copy of what a read-only session sent, until an answer starts, to try it once more elsewhere. */
    private void keepInFlight(ByteBuf frame, BackendSession to) {
        if ((to != backend || !route.role().equals("writer")) && inFlight.size() < 4
                && Frames.payloadLength(frame) < 65_536 && (Frames.sequenceId(frame) != 0
                || Frames.firstByte(frame) == Command.QUERY)) {
            inFlight.add(frame.retainedDuplicate());
        }
    }

    private void releaseInFlight() {
        inFlight.forEach(ByteBuf::release);
        inFlight.clear();
    }

    /** The schema a new backend connection starts in: the login's, then what COM_INIT_DB and USE set. */
    private void rememberSchema(ByteBuf frame, int command) {
        int at = frame.readerIndex() + Frames.HEADER + 1;
        int length = Frames.payloadLength(frame) - 1;
        if (command == Command.INIT_DB) {
            pendingSchema = frame.toString(at, length, java.nio.charset.StandardCharsets.UTF_8);
        } else if (command == Command.QUERY && length > 4 && length < 200
                && StatementStart.is(frame, at, at + length, "use")) {
            String q = frame.toString(at, length, java.nio.charset.StandardCharsets.UTF_8).strip();
            if (q.regionMatches(true, 0, "use ", 0, 4)) {
                pendingSchema = q.substring(4).strip().replace("`", "").replace(";", "").strip();
            }
        }
    }

    private static boolean isRollback(ByteBuf frame) {
        int length = Frames.payloadLength(frame) - 1;
        return Frames.firstByte(frame) == Command.QUERY && length < 32 && frame.toString(frame.readerIndex()
                + Frames.HEADER + 1, length, java.nio.charset.StandardCharsets.UTF_8).strip()
                .equalsIgnoreCase("rollback");
    }

    private void unsupported(ByteBuf frame, int command) {
        route.sessionMetrics().error(SessionMetrics.Cause.UNSUPPORTED_COMMAND);
        frame.release();
        clientContinues = false;
        writeAndFlush(Packets.err(client.alloc(), 1, ErrPacket.ER_UNKNOWN_COM_ERROR, "08S01",
                "Unknown command: the mysqlha gateway does not pass " + Command.name(command) + " on"));
    }

    /** A frame of the answer of the session's writer or reader connection: followed, then forwarded as it is. */
    private void fromBackend(BackendSession b, ByteBuf frame) {
        ResponseTracker tracker = b.tracker();
        if (!tracker.busy()) {
            LOG.debugf("backend %s sent a packet with no command pending; closing the session", address(b.target()));
            frame.release();
            close();
            return;
        }
        boolean prepareAnswer = tracker.atStartOf(Command.STMT_PREPARE);
        boolean done;
        try {
            done = tracker.onFrame(frame);
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            LOG.warnf("backend %s sent a response the gateway cannot follow (%s); closing the session",
                    address(b.target()), e.getMessage());
            frame.release();
            close();
            return;
        }
        if (prepareAnswer) {
            if (classifier == null) {
                classifier = new Classifier();
            }
            if (prepared.answered(b, frame, classifier)) {
                pin("the same statement prepared twice while the first is open");
            }
            if (b == backend) {
                shared.prepared(); // its execute (MariaDB's "the one just prepared") comes to this connection
            }
        }
        releaseInFlight();
        boolean idle = done && !tracker.busy();
        if (idle && digestEntry != null) {
            QueryDigests.record(digestEntry, System.nanoTime() - digestStarted, tracker.takeRows(),
                    tracker.lastWasError());
            digestEntry = null;
        }
        if (idle && b == backend) {
            statusFlags = tracker.statusFlags();
            shared.answered(tracker.takeAftermath());
            if (pendingSchema != null) {
                if (!tracker.lastWasError()) {
                    schema = pendingSchema;
                    state.touch(); // a reader opened before changes its schema too
                    backend.schema(schema);
                }
                pendingSchema = null;
            }
            if (pendingSet != null) {
                if (!tracker.lastWasError()) {
                    state.set(pendingSet.detail(), pendingSetText);
                    backend.state(state.snapshot());
                    if (pendingSet.detail().contains("session_track_system_variables")
                            || pendingSet.detail().contains("session_track_gtids")) {
                        String text = pendingSetText.toLowerCase(java.util.Locale.ROOT);
                        // the client's own list: from now on the GTIDs it names are the client's to see
                        clientTracksGtids = text.contains("last_gtid") || text.contains("*")
                                || text.contains("session_track_gtids") && !text.contains("off");
                    }
                    if (pendingSet.detail().contains("session_track_system_variables") && tracksGtids()
                            && backend.isMariaDb()) {
                        // the client replaced the tracked list: last_gtid goes back on it before its next statement
                        backend.internal(List.of(BackendSession.TRACK_LAST_GTID), a -> drainHeld());
                    }
                }
                pendingSet = null;
                pendingSetText = null;
            }
        }
        if (done && b == backend && route.split() != null) {
            writerAnswered(frame, tracker, idle);
        }
        if (tracker.lastFrameWasOk() && b.hasSessionTrack()) {
            if (!Capabilities.has(capabilities, Capabilities.SESSION_TRACK)) {
                io.mysqlha.protocol.SessionTracking.strip(frame); // the client did not ask for session tracking
            } else if (b.tracksGtids() && !clientTracksGtids) {
                io.mysqlha.protocol.SessionTracking.dropGtids(frame); // it did, but not for the gateway's GTIDs
            }
        }
        toClient(b, frame);
        if (idle && !held.isEmpty()) {
            drainHeld();
        }
        if (idle) {
            closeIfAnswered();
        }
        if (idle && b == reader) {
            sharedReader.answered(tracker.takeAftermath());
            if (phase == Phase.COMMANDS && mayGiveBackReader()) {
                giveBackReader();
            }
        }
        if (idle && phase == Phase.COMMANDS && mayGiveBack()) {
            giveBack(); // after the writer's answer, or the reader's (the writer connection waited idle meanwhile)
        }
    }

    /**
     * The client shut down its side (a half-close, as {@code echo ... | nc} does after its statement): what it sent
     * is answered, as the server would, then the connection is closed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            inputEnded = true;
            closeIfAnswered();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** After a half-close: closes once nothing the client sent waits for an answer (and at once before login). */
    private void closeIfAnswered() {
        if (!inputEnded || phase == Phase.CLOSED || phase == Phase.CONNECTING) {
            return;
        }
        boolean answered = phase != Phase.COMMANDS || held.isEmpty() && killer == null
                && (backend == null || !backend.tracker().busy()) && (reader == null || !reader.tracker().busy());
        if (answered) {
            close();
        }
    }

    /**
     * The end of a response from the writer: the GTID its session tracking reports (causal reads), and the session
     * state a SET or USE changed once it succeeded.
     */
    private void writerAnswered(ByteBuf frame, ResponseTracker tracker, boolean idle) {
        if (!ServerStatus.has(tracker.statusFlags(), ServerStatus.SESSION_STATE_CHANGED) || !tracksGtids()) {
            return;
        }
        if (!tracker.lastFrameWasOk()) {
            // rows that end in an EOF (a client without CLIENT_DEPRECATE_EOF) have no room for the session state:
            // a write that returns rows (INSERT ... RETURNING, CALL) leaves no GTID to wait for, so the writer
            // answers this session's reads from now on
            if (sentWrite && Frames.firstByte(frame) == io.mysqlha.protocol.EofPacket.MARKER) { // not an ERR
                wroteUntracked = true;
            }
            return;
        }
        // an OK, or the OK that ends rows with CLIENT_DEPRECATE_EOF (INSERT ... RETURNING): it names the GTID
        try {
            String gtid = io.mysqlha.protocol.SessionStateChanges.lastGtid(OkPacket.decode(frame.slice(
                    frame.readerIndex() + Frames.HEADER, Frames.payloadLength(frame)),
                    capabilities | Capabilities.SESSION_TRACK).sessionStateChanges());
            if (gtid != null) {
                if (causal == null) {
                    causal = new CausalReads(route.split().causalTimeoutMs());
                }
                causal.wrote(gtid);
            }
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            LOG.debugf("an OK packet's session state could not be read: %s", e.getMessage());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (phase != Phase.COMMANDS) {
            return;
        }
        if (!held.isEmpty() || backend != null && !backend.ready()) {
            return; // held: read more once a backend takes them
        }
        flushBackends(); // a read may have gone to the reader while the session holds no writer connection
        BackendSession on = active == null ? backend : active;
        if (on == null || on.channel() == null || on.channel().isWritable()) {
            client.read();
        }
    }

    /** A frame of the backend's run that goes to the client as it is (see {@link Role#passesOn}). */
    private void passOn(BackendSession b, int at, int length) {
        if (pendingRun != b.run() || pendingTo != at) {
            flushRun();
            pendingRun = b.run();
            pendingFrom = at;
        }
        pendingTo = at + length;
    }

    /**
     * A backend's frame on its way to the client unchanged (or changed in place): it joins the pending stretch of
     * the run it was read in when it follows it, so a result set goes out in one write; anything else goes alone.
     */
    private void toClient(BackendSession b, ByteBuf frame) {
        int at = b.runOffset(frame);
        if (at < 0) {
            write(frame);
            return;
        }
        passOn(b, at, frame.readableBytes());
        frame.release(); // the run holds the bytes until the stretch is written
    }

    private void flushRun() {
        if (pendingRun != null) {
            ByteBuf stretch = pendingFrom == pendingRun.readerIndex() && pendingTo == pendingRun.writerIndex()
                    ? pendingRun.retain() // the whole run, as read: its backend is done with it (see endOfRun)
                    : pendingRun.retainedSlice(pendingFrom, pendingTo - pendingFrom);
            client.write(stretch, client.voidPromise());
            pendingRun = null;
        }
    }

    /** A backend finished handing on a run: its pending stretch goes out before the run is released. */
    private void endOfRun(ByteBuf run) {
        if (pendingRun == run) {
            flushRun();
        }
    }

    /** Every write to the client goes after the pending stretch of backend frames: answers stay in order. */
    private ChannelFuture write(Object msg) {
        flushRun();
        return client.write(msg);
    }

    private ChannelFuture writeAndFlush(Object msg) {
        flushRun();
        return client.writeAndFlush(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client.isWritable() && phase == Phase.COMMANDS) {
            if (backend != null && backend.ready()) {
                backend.channel().read();
            }
            BackendSession r = reader; // it may answer a read while the session holds no writer connection
            if (r != null && r.channel() != null) {
                r.channel().read();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.sessions().remove(connectionId, this);
        if (phase == Phase.COMMANDS && mayGiveBack()) {
            giveBack(); // nothing of the session is left on it: another session's next statement can use it
        }
        shared.close();
        sharedReader.close();
        if (killer != null) {
            killer.close();
        }
        if (counted) {
            counted = false;
            route.sessionMetrics().closed();
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        phase = Phase.CLOSED;
        if (holdTimer != null) {
            holdTimer.cancel(false);
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        held.forEach(ByteBuf::release);
        held.clear();
        releaseInFlight();
        prepared.close();
        leaveOrClose();
        leaveOrCloseReader();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf("client %s: %s", ctx.channel().remoteAddress(), cause.getMessage());
        if (cause instanceof io.netty.handler.codec.DecoderException
                && cause.getCause() instanceof javax.net.ssl.SSLException) {
            // a TLS handshake that failed (protocol, cipher, a client that distrusts the certificate): nothing can
            // be said to it in clear any more
            LOG.debugf("client %s: TLS failed: %s", ctx.channel().remoteAddress(), cause.getCause().getMessage());
            phase = Phase.CLOSED;
            ctx.close();
            return;
        }
        if (phase == Phase.GREETING || phase == Phase.AUTH_SWITCH) {
            refuse(loginSeq() == 0 ? 1 : loginSeq(), ErrPacket.ER_NET_PACKET_TOO_LARGE, "08S01",
                    "Got a packet bigger than " + FrameDecoder.HANDSHAKE_LIMIT + " bytes during the handshake");
            return;
        }
        if (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof ProtocolException) {
            // a compressed packet that does not inflate: the server's answer, then the connection ends
            refuse(0, ErrPacket.ER_NET_UNCOMPRESS_ERROR, "08S01", "Couldn't uncompress communication packet");
            return;
        }
        close();
    }

    private void refuse(int seq, int code, String sqlState, String message) {
        phase = Phase.CLOSED;
        if (client.isActive() && tlsHandshakeUnfinished()) {
            client.close(); // nothing reaches a client whose TLS handshake did not finish: a write would wait forever
        } else if (client.isActive()) {
            writeAndFlush(Packets.err(client.alloc(), seq, code, sqlState, message))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        leaveOrClose();
        leaveOrCloseReader();
    }

    /** Whether the client asked for TLS and its handshake has not finished (or failed). */
    private boolean tlsHandshakeUnfinished() {
        io.netty.handler.ssl.SslHandler tls = (io.netty.handler.ssl.SslHandler) client.pipeline().get(TLS_HANDLER);
        return tls != null && !tls.handshakeFuture().isSuccess();
    }

    void close() {
        phase = Phase.CLOSED;
        if (client.isActive() && tlsHandshakeUnfinished()) {
            client.close();
        } else if (client.isActive()) {
            writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        leaveOrClose();
        leaveOrCloseReader();
    }

    /** The session ends: its writer connection goes back to the pool when nothing of the session is on it. */
    private void leaveOrClose() {
        BackendSession b = backend;
        backend = null;
        if (b != null && mayLeave(b)) {
            shared.giveBack(b, routesChecked); // the next login can have it
        } else if (b != null) {
            b.close();
        }
    }

    /**
     * Whether the writer connection may outlive the session in the pool: it is idle, between transactions, and
     * carries nothing that only this session could have ended (a pin, data of a statement sent in pieces).
     */
    private boolean mayLeave(BackendSession b) {
        return route.pool() != null && b.poolNode != null && pinned == null && !prepared.longDataPending()
                && ServerStatus.has(statusFlags, ServerStatus.AUTOCOMMIT) && idleBetweenTransactions(b);
    }

    private String host() {
        return client.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
    }

    private static String address(InetSocketAddress a) {
        return BackendSession.address(a);
    }

    /** A snapshot for the admin API. */
    public SessionView view() {
        BackendSession b = backend;
        BackendSession r = reader;
        HandshakeResponse41Packet h = handshake;
        return new SessionView(connectionId, route.cluster(), route.role(), h == null ? null : h.username(),
                client == null ? null : String.valueOf(client.remoteAddress()), b == null ? null : b.node(),
                b == null ? null : b.threadId(), b != null && b.tracker().inTransaction(), held.size(),
                r != null ? r.node() : readerNode, pinned, route.pool() == null ? null : keptBecause());
    }
}
