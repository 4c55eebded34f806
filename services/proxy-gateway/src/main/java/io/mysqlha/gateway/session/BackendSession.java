package io.mysqlha.gateway.session;

import io.mysqlha.protocol.AuthMoreDataPacket;
import io.mysqlha.protocol.AuthSwitchRequestPacket;
import io.mysqlha.protocol.Capabilities;
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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;

/**
 * The backend side of a session: authenticates to the node as the client's user, answering the node's scramble
 * from SHA1(password) that the client's own proof revealed (the gateway never holds the password), then hands every
 * response frame to its {@link BackendListener}. The session's capabilities are required of the node: the result
 * format the client negotiated is the one the node must send, so frames can pass unchanged.
 */
final class BackendSession extends ChannelInboundHandlerAdapter {
    private enum Phase { GREETING, AUTH, SETUP, READY, CLOSED }

    private BackendListener listener;
    /** The login it was opened with, or the last COM_CHANGE_USER's (see {@link #logInAs}). */
    private HandshakeResponse41Packet client;
    private int capabilities;
    /** The client's capabilities it was opened with (before the node's greeting added what the gateway forces). */
    private final int askedCapabilities;
    private final int forced;
    private BackendAuth auth;
    /** The greeting's plugin and nonce: a COM_CHANGE_USER answers them, as a client's does. */
    private String greetingPlugin = "";
    private byte[] greetingNonce = new byte[0];
    private final InetSocketAddress target;
    private final java.util.ArrayDeque<String> setup;
    private final String node;
    private Runnable statements; // its counter of statements, once one went
    private Phase phase = Phase.GREETING;
    private Channel channel;
    private int nextSeq;
    private int nextSeqToClient;
    private volatile long threadId;
    private boolean answered;
    private final ResponseTracker tracker;
    /** The run of frames being read, the frame handed on and where in the run it starts. */
    private ByteBuf run;
    private ByteBuf handed;
    private int runAt;
    private String serverVersion = "";
    /** The session state version this connection was given (see SessionState). */
    private long stateVersion;
    private final java.util.ArrayDeque<Cmd> internal = new java.util.ArrayDeque<>();
    private int internalCommand;

    /** One of the gateway's own commands: COM_QUERY or COM_STMT_PREPARE and its text. */
    private record Cmd(int command, String text) {
    }
    private java.util.function.Consumer<Answer> internalDone;
    private ResponseTracker internalTracker;
    private final java.util.List<ByteBuf> internalFrames = new java.util.ArrayList<>();

    /**
     * What the gateway's own statement on a ready connection returned: ok, the first column of the first row when
     * it returned rows (null for SQL NULL), or the node's error.
     */
    record Answer(boolean ok, String value, String error) {
    }

    /**
     * @param setup statements that bring a new backend connection to the session's state (autocommit off...), run
     *              before the session uses it; their answers stay here
     */
    /** Puts last_gtid on the session's tracked variables (MariaDB): OK packets then carry each write's GTID. */
    static final String TRACK_LAST_GTID = "SET session_track_system_variables = CONCAT_WS(',',"
            + " NULLIF(@@session_track_system_variables, ''), 'last_gtid')";
    /** The same for MySQL 8. */
    static final String TRACK_OWN_GTID = "SET session_track_gtids = OWN_GTID";
    /** Among {@link #internal} statements: COM_RESET_CONNECTION (told apart by identity). */
    static final String RESET = new String("COM_RESET_CONNECTION");
    /**
     * Among {@link #internal} statements: COM_CHANGE_USER as the login {@link #logInAs} gave (told apart by identity).
     * The node checks the account again (a user dropped, locked or given another password since is refused as at a
     * login), forgets the last session's state and prepared statements, and takes the login's schema and character
     * set.
     */
    static final String CHANGE_USER = new String("COM_CHANGE_USER");
    /** Among {@link #internal} statements: COM_PING (told apart by identity). */
    static final String PING = new String("COM_PING");

    /**
     * What gives a connection the character set its login asked for ({@code id}, a collation), as the node did at
     * login: after COM_RESET_CONNECTION the session's variables are the node's global ones again.
     */
    static String characterSetOf(int id) {
        String name = "(SELECT CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID = " + id + ")";
        return "SET character_set_client = " + name + ", character_set_results = " + name + ", collation_connection = "
                + id;
    }

    private final boolean trackGtids;
    private boolean wasReady;

    // --- what a pool knows of it (see BackendPool); event-loop confined ---
    /** The pool's node that counts it, or null when no pool does. */
    BackendPool.Node poolNode;
    /** Its neighbours in its node's list of free connections, while it is free. */
    BackendSession freePrev;
    BackendSession freeNext;
    boolean free;
    /** How many times the pool lent it to a session (its own session takes it back only if that did not change). */
    int lends;
    /** The pool closed it while free (not a failure, not its session's doing). */
    boolean retiredByPool;
    long freeSince;
    /** When the pool last pinged it while free (see BackendPool#ping), and whether a ping is out now. */
    long pingedAt;
    boolean pinging;
    final long openedAt = System.nanoTime();
    /** The statements prepared on it for the sessions that borrow it (null: not pooled; see StatementCache). */
    StatementCache stmtCache;
    /** The schema it is in ("" for none) and the session state statements it was given, in order. */
    private String schema;
    private java.util.List<String> state = java.util.List.of();
    private Runnable onClose;
    /** TLS towards the node when the session wants it (null: in clear). */
    private SessionContext.NodeTls tls;

    /**
     * @param trackGtids the connection reports each write's GTID in its OK packets (causal reads): enabled after
     *                   the setup statements, in the node's own dialect
     * @param forced     capabilities asked of the node beyond the client's (SESSION_TRACK), when it has them; the
     *                   session turns what they change back into what the client expects
     */
    BackendSession(BackendListener listener, HandshakeResponse41Packet client, int capabilities, byte[] stage1,
                   AppUsers.User user, InetSocketAddress target, java.util.List<String> setup, boolean trackGtids,
                   int forced) {
        this.trackGtids = trackGtids;
        this.forced = forced;
        this.listener = listener;
        this.setup = new java.util.ArrayDeque<>(setup);
        this.node = address(target);
        this.client = client;
        this.capabilities = capabilities;
        this.askedCapabilities = capabilities;
        this.auth = new BackendAuth(client.username(), stage1, user.nativeHash(), user.password());
        this.target = target;
        this.tracker = new ResponseTracker(capabilities);
        this.schema = client.database() == null ? "" : client.database();
        this.state = java.util.List.copyOf(setup);
    }

    /** Reports to {@code l} from now on (the connection changes hands). */
    void listener(BackendListener l) {
        this.listener = phase == Phase.CLOSED ? BackendListener.DETACHED : l;
    }

    /** Runs {@code r} once when the connection closes or fails, whichever way. */
    void whenClosed(Runnable r) {
        this.onClose = r;
    }

    private void closed() {
        Runnable r = onClose;
        onClose = null;
        if (r != null) {
            r.run();
        }
    }

    /** The schema it is in ("" for none). */
    String schema() {
        return schema;
    }

    void schema(String schema) {
        this.schema = schema == null ? "" : schema;
    }

    /** The session state statements it was given (what a session with the same state needs no more of). */
    java.util.List<String> state() {
        return state;
    }

    void state(java.util.List<String> statements) {
        this.state = statements;
    }

    /** COM_RESET_CONNECTION goes to it: the node forgets the session's state and closes its prepared statements. */
    void wasReset() {
        state = java.util.List.of();
        if (stmtCache != null) {
            stmtCache.clear();
        }
    }

    /**
     * The connection is lent to a session that just logged in (or changed user): the next {@link #CHANGE_USER} among
     * its internal statements logs it in as {@code login} (user, schema, character set, attributes), proving the
     * password as the session's own connection would.
     */
    void logInAs(HandshakeResponse41Packet login, byte[] stage1, AppUsers.User user) {
        client = login;
        auth = new BackendAuth(login.username(), stage1, user.nativeHash(), user.password());
        if (tls != null) {
            auth.secured();
        }
    }

    /** The user it logged in as. */
    String user() {
        return client.username();
    }

    /** What it was opened with beyond its node: another session can use it only when these are the same. */
    int capabilities() {
        return askedCapabilities;
    }

    int mariadbCapabilities() {
        return client.mariadbCapabilities();
    }

    int characterSet() {
        return client.characterSet();
    }

    boolean trackGtidsAsked() {
        return trackGtids;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (phase == Phase.CLOSED) {
            ctx.close(); // given up while it connected
            return;
        }
        channel.read();
    }

    /** A run of whole frames (see {@link FrameDecoder#forBackend()}): each is handled on its own, in order. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf run = (ByteBuf) msg;
        this.run = run;
        try {
            for (int at = run.readerIndex(), length; at < run.writerIndex(); at += length) {
                length = Frames.lengthAt(run, at);
                if (phase == Phase.READY && internalDone == null && listener.passesOn(this)
                        && tracker.onPlainFrame(run, at)) {
                    answered = true; // a row or column definition: on to the client as it is, without a buffer
                    nextSeqToClient = (run.getUnsignedByte(at + 3) + 1) & 0xff;
                    listener.passOn(this, at, length);
                    continue;
                }
                runAt = at;
                handed = run.retainedSlice(at, length);
                frame(handed);
            }
        } finally {
            listener.endOfRun(run);
            this.run = null;
            handed = null;
            run.release();
        }
    }

    /** The run being read ({@code null} between reads). */
    ByteBuf run() {
        return run;
    }

    /**
     * Where in {@link #run()} the frame starts when it is the one the session was handed, its bytes still where
     * they were read (perhaps changed in place), so it may go to the client with its neighbours in one write; else -1.
     */
    int runOffset(ByteBuf frame) {
        return frame == handed && frame.readerIndex() == 0 ? runAt : -1;
    }

    private void frame(ByteBuf frame) {
        if (phase == Phase.READY && internalDone != null) {
            internalFrame(frame);
            return;
        }
        if (phase == Phase.READY) {
            answered = true;
            nextSeqToClient = (Frames.sequenceId(frame) + 1) & 0xff;
            listener.frame(this, frame);
            return;
        }
        try {
            if (phase == Phase.GREETING || phase == Phase.AUTH) {
                handshake(frame);
            } else if (phase == Phase.SETUP) {
                setupAnswered(frame);
            }
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            fail("its handshake could not be read (" + e.getMessage() + ")");
        } finally {
            frame.release();
        }
    }

    private void handshake(ByteBuf frame) {
        ByteBuf payload = frame.slice(frame.readerIndex() + Frames.HEADER, Frames.payloadLength(frame));
        int first = Frames.firstByte(frame);
        if (phase == Phase.GREETING) {
            if (first == ErrPacket.MARKER) {
                phase = Phase.CLOSED;
                listener.refused(this, ErrPacket.decode(payload)); // e.g. 1040 from the node itself
                return;
            }
            HandshakeV10Packet greeting = HandshakeV10Packet.decode(payload);
            int missing = capabilities & Capabilities.RESULT_FORMAT & ~greeting.capabilities();
            if (missing != 0) {
                fail("it lacks capabilities the client uses (0x" + Integer.toHexString(missing) + ")");
                return;
            }
            int extended = Capabilities.mariadb(client.capabilities(), client.mariadbCapabilities())
                    & Capabilities.MARIADB_GATEWAY;
            int lacking = extended & ~Capabilities.mariadb(greeting.capabilities(), greeting.mariadbCapabilities());
            if (lacking != 0) {
                fail("it lacks MariaDB extended capabilities the client uses (0x" + Integer.toHexString(lacking)
                        + ")");
                return;
            }
            listener.greeted(greeting);
            serverVersion = greeting.serverVersion();
            capabilities |= forced & greeting.capabilities();
            threadId = greeting.connectionId();
            // LONG_PASSWORD doubles as CLIENT_MYSQL: set, MariaDB keeps to the MySQL protocol (no extended caps);
            // clear when the client speaks MariaDB's extended capabilities, which then go to the node as they are
            int caps = capabilities & (greeting.capabilities() | Capabilities.LONG_PASSWORD)
                    | Capabilities.PLUGIN_AUTH | Capabilities.SECURE_CONNECTION | Capabilities.PROTOCOL_41
                    | Capabilities.LONG_PASSWORD;
            if (extended != 0) {
                caps &= ~Capabilities.LONG_PASSWORD;
            }
            if (client.database() != null && !client.database().isEmpty()) {
                caps |= Capabilities.CONNECT_WITH_DB;
            } else {
                caps &= ~Capabilities.CONNECT_WITH_DB;
            }
            boolean offersTls = Capabilities.has(greeting.capabilities(), Capabilities.SSL);
            if (tls != null && !offersTls) {
                if (tls.mode().required()) {
                    fail("it offers no TLS, and the cluster's tls.mode is " + tls.mode().specName() + ": give the node"
                            + " a certificate (ssl_cert, ssl_key), or set tls.mode preferred");
                    return;
                }
                tls = null; // preferred: in clear, as a MySQL client does
            }
            if (tls != null) {
                caps |= Capabilities.SSL;
            }
            greetingPlugin = greeting.authPluginName();
            greetingNonce = seed(greeting.authPluginData());
            BackendAuth.Answer opening = auth.first(greetingPlugin, greetingNonce);
            HandshakeResponse41Packet answer = client.withAuth(caps, opening.data(), opening.plugin())
                    .withMariaDbCapabilities(extended);
            phase = Phase.AUTH;
            int seq = Frames.sequenceId(frame) + 1;
            if (tls != null) {
                startTls(answer, seq);
                return;
            }
            nextSeq = seq + 1;
            channel.writeAndFlush(Packets.frame(channel.alloc(), seq, answer::encode));
            channel.read();
            return;
        }
        nextSeq = Frames.sequenceId(frame) + 1;
        switch (first) {
            case OkPacket.MARKER -> {
                statusFlags = OkPacket.decode(payload, capabilities).statusFlags();
                phase = Phase.SETUP;
                if (trackGtids && hasSessionTrack()) {
                    setup.addLast(isMariaDb() ? TRACK_LAST_GTID : TRACK_OWN_GTID);
                }
                nextSetup();
            }
            case ErrPacket.MARKER -> {
                phase = Phase.CLOSED;
                listener.refused(this, ErrPacket.decode(payload));
            }
            case AuthSwitchRequestPacket.MARKER -> {
                AuthSwitchRequestPacket request = AuthSwitchRequestPacket.decode(payload);
                authStep(auth.switchTo(request.pluginName(), seed(request.pluginData())));
            }
            case AuthMoreDataPacket.MARKER -> authStep(auth.moreData(AuthMoreDataPacket.decode(payload).data()));
            default -> fail(String.format("it sent 0x%02x during authentication", first));
        }
    }

    private int statusFlags;

    /**
     * The SSLRequest in clear (packet {@code seq}), then TLS from the next byte on, checking the node's certificate as
     * the cluster's mode says; the login goes once the handshake is done, as packet {@code seq + 1}.
     */
    private void startTls(HandshakeResponse41Packet answer, int seq) {
        io.netty.handler.ssl.SslHandler handler = tls.handler(channel.alloc(), target.getHostString(),
                target.getPort());
        if (handler == null) {
            fail("TLS towards it cannot be set up: " + tls.problem());
            return;
        }
        auth.secured();
        nextSeq = seq + 2;
        channel.writeAndFlush(Packets.frame(channel.alloc(), seq, answer::encodeSslRequest));
        channel.pipeline().addFirst("tls", handler);
        handler.handshakeFuture().addListener(done -> {
            if (phase != Phase.AUTH) {
                return;
            }
            if (!done.isSuccess()) {
                Throwable cause = done.cause();
                fail("the TLS handshake with it failed (" + (cause.getCause() != null ? cause.getCause().getMessage()
                        : cause.getMessage()) + "); check the cluster's tls.mode and tls.ca against the node's"
                        + " certificate");
                return;
            }
            channel.writeAndFlush(Packets.frame(channel.alloc(), seq + 1, answer::encode));
            channel.read();
        });
        channel.read();
    }

    private void nextSetup() {
        String statement = setup.pollFirst();
        if (statement == null) {
            phase = Phase.READY;
            wasReady = true;
            listener.ready(this, statusFlags);
            return;
        }
        channel.writeAndFlush(Packets.frame(channel.alloc(), 0,
                new io.mysqlha.protocol.ComPackets.ComQueryPacket(statement)::encode));
        channel.read();
    }

    private void setupAnswered(ByteBuf frame) {
        ByteBuf payload = frame.slice(frame.readerIndex() + Frames.HEADER, Frames.payloadLength(frame));
        if (Frames.firstByte(frame) == OkPacket.MARKER) {
            statusFlags = OkPacket.decode(payload, capabilities).statusFlags();
            nextSetup();
        } else if (Frames.firstByte(frame) == ErrPacket.MARKER) {
            fail("restoring the session's state failed: " + ErrPacket.decode(payload).message());
        } else {
            fail("an unexpected answer while restoring the session's state");
        }
    }

    private boolean refusedByProtocol;

    /** Ready for the client's statements: authenticated, set up, and not running one of the gateway's own. */
    boolean ready() {
        return phase == Phase.READY && internalDone == null;
    }

    /**
     * Runs the gateway's own statements on a ready connection, between the client's (bringing it up to the
     * session's state, waiting for a GTID); their answers stay here. {@code done} gets the last answer, or the
     * first error (the rest are then not run). The connection is not {@link #ready()} meanwhile.
     */
    void internal(java.util.List<String> statements, java.util.function.Consumer<Answer> done) {
        if (statements.isEmpty()) {
            done.accept(new Answer(true, null, null));
            return;
        }
        for (String st : statements) {
            if (st == RESET) {
                wasReset();
                internal.addLast(new Cmd(Command.RESET_CONNECTION, ""));
            } else if (st == CHANGE_USER) {
                internal.addLast(new Cmd(Command.CHANGE_USER, ""));
            } else if (st == PING) {
                internal.addLast(new Cmd(Command.PING, ""));
            } else {
                internal.addLast(new Cmd(Command.QUERY, st));
            }
        }
        internalDone = done;
        nextInternal();
    }

    /** Prepares a statement on this connection for the gateway; {@code done} gets its id here as the value. */
    void internalPrepare(String sql, java.util.function.Consumer<Answer> done) {
        internal.addLast(new Cmd(Command.STMT_PREPARE, sql));
        internalDone = done;
        nextInternal();
    }

    private void nextInternal() {
        Cmd cmd = internal.pollFirst();
        internalCommand = cmd.command();
        if (cmd.command() == Command.CHANGE_USER) {
            changeUser();
            return;
        }
        internalTracker = new ResponseTracker(capabilities);
        internalTracker.begin(cmd.command());
        byte[] text = cmd.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        channel.writeAndFlush(Packets.frame(channel.alloc(), 0, b -> b.writeByte(cmd.command()).writeBytes(text)));
        channel.read();
    }

    /** COM_CHANGE_USER as {@link #logInAs} said: answered as the greeting would be, in the greeting's plugin. */
    private void changeUser() {
        wasReset();
        schema(client.database());
        BackendAuth.Answer opening = auth.first(greetingPlugin, greetingNonce);
        ComChangeUserPacket request = new ComChangeUserPacket(client.username(), opening.data(), schema,
                client.characterSet(), opening.plugin(), client.attributes());
        nextSeq = 1;
        channel.writeAndFlush(Packets.frame(channel.alloc(), 0, b -> request.encode(b, capabilities)));
        channel.read();
    }

    /** The node's answer to COM_CHANGE_USER: OK, its refusal, or the next step of the authentication. */
    private void changeUserAnswered(ByteBuf frame) {
        try {
            ByteBuf payload = frame.slice(frame.readerIndex() + Frames.HEADER, Frames.payloadLength(frame));
            nextSeq = Frames.sequenceId(frame) + 1;
            switch (Frames.firstByte(frame)) {
                case OkPacket.MARKER -> {
                    statusFlags = OkPacket.decode(payload, capabilities).statusFlags();
                    internalAnswered(new Answer(true, null, null));
                }
                case ErrPacket.MARKER -> internalAnswered(new Answer(false, null, ErrPacket.decode(payload).message()));
                case AuthSwitchRequestPacket.MARKER -> {
                    AuthSwitchRequestPacket request = AuthSwitchRequestPacket.decode(payload);
                    changeUserStep(auth.switchTo(request.pluginName(), seed(request.pluginData())));
                }
                case AuthMoreDataPacket.MARKER ->
                        changeUserStep(auth.moreData(AuthMoreDataPacket.decode(payload).data()));
                default -> fail(String.format("it sent 0x%02x to COM_CHANGE_USER", Frames.firstByte(frame)));
            }
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            fail("its answer to COM_CHANGE_USER could not be read (" + e.getMessage() + ")");
        } finally {
            frame.release();
        }
    }

    /**
     * The next step of COM_CHANGE_USER's authentication; one the gateway cannot take (a plugin it does not speak, a
     * password it does not have) is the command's failure, not the connection's: the session then opens a connection
     * of its own, whose login says why to the client.
     */
    private void changeUserStep(BackendAuth.Step step) {
        if (step instanceof BackendAuth.Fail f) {
            internalAnswered(new Answer(false, null, f.reason()));
        } else {
            authStep(step);
        }
    }

    private void internalFrame(ByteBuf frame) {
        if (internalCommand == Command.CHANGE_USER) {
            changeUserAnswered(frame);
            return;
        }
        boolean done;
        try {
            done = internalTracker.onFrame(frame);
        } catch (ProtocolException | IndexOutOfBoundsException e) {
            frame.release();
            fail("its answer to the gateway's own statement could not be read (" + e.getMessage() + ")");
            return;
        }
        internalFrames.add(frame);
        if (!done) {
            channel.read();
            return;
        }
        Answer answer = decodeAnswer();
        internalFrames.forEach(ByteBuf::release);
        internalFrames.clear();
        internalAnswered(answer);
    }

    /** One of the gateway's own commands was answered: the next goes, or the caller hears the last answer. */
    private void internalAnswered(Answer answer) {
        if (answer.ok() && !internal.isEmpty()) {
            nextInternal();
            return;
        }
        internal.clear();
        java.util.function.Consumer<Answer> callback = internalDone;
        internalDone = null;
        callback.accept(answer);
    }

    private Answer decodeAnswer() {
        ByteBuf first = internalFrames.getFirst();
        ByteBuf payload = first.slice(first.readerIndex() + Frames.HEADER, Frames.payloadLength(first));
        int marker = Frames.firstByte(first);
        if (marker == ErrPacket.MARKER) {
            return new Answer(false, null, ErrPacket.decode(payload).message());
        }
        if (marker == OkPacket.MARKER && internalCommand == Command.STMT_PREPARE) {
            return new Answer(true, Integer.toString(payload.getIntLE(1)), null);
        }
        if (marker == OkPacket.MARKER) {
            return new Answer(true, null, null);
        }
        int row = Capabilities.has(capabilities, Capabilities.DEPRECATE_EOF) ? 2 : 3; // count, column, [EOF], row
        if (internalFrames.size() <= row) {
            return new Answer(true, null, null);
        }
        ByteBuf r = internalFrames.get(row);
        ByteBuf rowPayload = r.slice(r.readerIndex() + Frames.HEADER, Frames.payloadLength(r));
        if (Frames.firstByte(r) == 0xfb) {
            return new Answer(true, null, null);
        }
        return new Answer(true, io.mysqlha.protocol.Buffers.readLenencString(rowPayload), null);
    }

    /** Whether the gateway asked it to report each write's GTID in its OK packets (session causal reads). */
    boolean tracksGtids() {
        return trackGtids && hasSessionTrack();
    }

    /** Whether OK packets from it carry session state (the client's or the gateway's SESSION_TRACK). */
    boolean hasSessionTrack() {
        return Capabilities.has(capabilities, Capabilities.SESSION_TRACK);
    }

    /** Whether it ever became ready (a failure before that is a failed connect). */
    boolean wasReady() {
        return wasReady;
    }

    ResponseTracker tracker() {
        return tracker;
    }

    /** The version string the node greeted with ("10.11.6-MariaDB-0+deb12u1"). */
    String serverVersion() {
        return serverVersion;
    }

    boolean isMariaDb() {
        return serverVersion.contains("MariaDB");
    }

    /** Connects to the node over TLS (set before the connection is made). */
    void tls(SessionContext.NodeTls nodeTls) {
        this.tls = nodeTls;
    }

    long stateVersion() {
        return stateVersion;
    }

    void stateVersion(long version) {
        this.stateVersion = version;
    }

    private void authStep(BackendAuth.Step step) {
        switch (step) {
            case BackendAuth.Send send -> {
                channel.writeAndFlush(Packets.frame(channel.alloc(), nextSeq, b -> b.writeBytes(send.data())));
                channel.read();
            }
            case BackendAuth.Await ignored -> channel.read();
            case BackendAuth.Fail f -> fail(f.reason());
        }
    }

    /** The 20-byte nonce of a greeting or auth switch (some servers add bytes, or the NUL, beyond it). */
    private static byte[] seed(byte[] scramble) {
        return scramble.length > NativePassword.SCRAMBLE_LENGTH
                ? java.util.Arrays.copyOf(scramble, NativePassword.SCRAMBLE_LENGTH) : scramble;
    }

    /** True when the node answered but not as the gateway needs (capabilities, plugin): waiting will not help. */
    boolean refusedByProtocol() {
        return refusedByProtocol;
    }

    /** No connection could be made: reported as this connection's failure, once. */
    void connectFailed(String why) {
        closed();
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        BackendListener l = listener;
        listener = BackendListener.DETACHED;
        l.failed(this, why);
    }

    private void fail(String why) {
        refusedByProtocol = phase != Phase.READY;
        internalFrames.forEach(ByteBuf::release);
        internalFrames.clear();
        phase = Phase.CLOSED;
        listener.failed(this, address(target) + ": " + why);
        close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (phase == Phase.READY) {
            listener.readComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && phase == Phase.READY) {
            listener.writable(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed();
        if (phase != Phase.CLOSED) {
            phase = Phase.CLOSED;
            listener.failed(this, "the connection to " + address(target) + " closed");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (phase != Phase.CLOSED) {
            phase = Phase.CLOSED;
            listener.failed(this, String.valueOf(cause.getMessage()));
        }
        ctx.close();
    }

    /** Counts a statement sent here in the listener's metrics (its counter looked up with the first). */
    void countStatement(SessionMetrics metrics) {
        if (statements == null) {
            statements = metrics.statements(node);
        }
        statements.run();
    }

    /** The node as "host:port", computed once (metrics name it on every statement). */
    String node() {
        return node;
    }

    /** The node's own id for this connection (what KILL on the node takes). */
    long threadId() {
        return threadId;
    }

    Channel channel() {
        return channel;
    }

    InetSocketAddress target() {
        return target;
    }

    int nextSeqToClient() {
        return nextSeqToClient;
    }

    /** A command went out with sequence id 0: its response starts at 1. */
    void responseStarts() {
        nextSeqToClient = 1;
        answered = false;
    }

    /** Whether any frame of the current response came back (then it cannot be asked again elsewhere). */
    boolean answered() {
        return answered;
    }

    /** Says COM_QUIT when the node is ready for commands (no "Aborted connection" in its log), then closes. */
    void close() {
        boolean ready = phase == Phase.READY;
        phase = Phase.CLOSED;
        listener = BackendListener.DETACHED;
        if (channel == null) {
            return; // still connecting: closed once connected (channelActive), or counted down when that fails
        }
        if (!channel.isActive()) {
            closed();
            return;
        }
        if (ready && poolNode != null) {
            // a pool counts it until the node is done with it: the node closes the connection after COM_QUIT, and
            // only then may another take its place (else the node would see one more than the pool's limit)
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 1}));
            channel.read();
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, QUIT_GRACE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            return;
        }
        ByteBuf quit = ready ? Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 1}) : Unpooled.EMPTY_BUFFER;
        channel.writeAndFlush(quit).addListener(ChannelFutureListener.CLOSE);
    }

    /** How long a pooled connection waits for its node to close it after COM_QUIT before closing it itself. */
    private static final long QUIT_GRACE_MS = 1_000;

    /**
     * Closes on the node the statements its cache let go (COM_STMT_CLOSE: no answer comes); only between commands,
     * while nothing is being sent to it.
     */
    void closeRetired() {
        if (stmtCache == null || channel == null || !channel.isActive()) {
            return;
        }
        java.util.List<Integer> ids = stmtCache.takeRetired();
        for (int id : ids) {
            channel.write(Packets.frame(channel.alloc(), 0,
                    b -> b.writeByte(Command.STMT_CLOSE).writeIntLE(id)));
        }
        if (!ids.isEmpty()) {
            channel.flush();
        }
    }

    /** A node as "host:port", as messages and metrics name it. */
    static String address(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
