package io.mysqlha.gateway.session;

import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.ComPackets;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.HandshakeResponse41Packet;
import io.mysqlha.protocol.HandshakeV10Packet;
import io.mysqlha.protocol.NativePassword;
import io.mysqlha.protocol.OkPacket;
import io.mysqlha.protocol.ServerStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client session on Netty's {@link EmbeddedChannel}, its backend connections embedded channels too, each answered
 * by a {@link Node} the test scripts frame by frame: the session's protocol without sockets or servers. Time moves
 * only when the test says ({@link #advance}).
 */
final class SessionHarness implements AutoCloseable {
    static final String USER = "app";
    static final String PASSWORD = "secret";
    static final int HOLD_TIMEOUT_MS = 2_000;
    static final int CLIENT_CAPS = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH
            | Capabilities.DEPRECATE_EOF | Capabilities.TRANSACTIONS | Capabilities.MULTI_RESULTS
            | Capabilities.LONG_PASSWORD;

    final TestRoute route = new TestRoute();
    /** The backend connections the session opened, in order. */
    final List<Node> nodes = new ArrayList<>();
    private final List<Runnable> waitingForRoutes = new ArrayList<>();
    /** Every session's event loop shares one pool, as sessions on one real loop do (they all run on this thread). */
    private final EmbeddedChannel poolLoop = new EmbeddedChannel();
    /** The pool's clock (nanoseconds), moved by {@link #advance} as the channels' clocks are. */
    private long nanos = System.nanoTime();
    final SessionContext context = new SessionContext(() -> AppUsers.parse(USER + ":" + PASSWORD + "\n", "test"),
            new AtomicLong(1_000_000_000L), 5_000, 1_000, HOLD_TIMEOUT_MS, waitingForRoutes::add,
            new ConcurrentHashMap<>(), 0, null, this::connect, BackendPools.single(poolLoop.eventLoop(), () -> nanos));
    private final List<Client> clients = new ArrayList<>();
    /** The first client (the one most tests need). */
    private final Client first;
    final EmbeddedChannel client;
    private final List<String> refusedConnects = new ArrayList<>();

    SessionHarness() {
        poolLoop.freezeTime();
        first = newClient();
        client = first.channel;
    }

    /** Another client connects to the same listener. */
    Client newClient() {
        Client c = new Client(new EmbeddedChannel(FrameDecoder.forClient(), new ClientSession(context, route)));
        c.channel.freezeTime();
        clients.add(c);
        return c;
    }

    private void connect(io.netty.channel.Channel from, BackendSession b, InetSocketAddress target, int timeoutMs,
                         Consumer<Throwable> failed) {
        if (refusedConnects.contains(BackendSession.address(target))) {
            failed.accept(new java.net.ConnectException("Connection refused"));
            return;
        }
        nodes.add(new Node(b, target));
    }

    /** Connections to this node are refused from now on. */
    void refuseConnects(InetSocketAddress node) {
        refusedConnects.add(BackendSession.address(node));
    }

    /** The routes changed (the topology named another node): sessions waiting for one try again. */
    void routesChanged() {
        route.version++;
        List<Runnable> due = new ArrayList<>(waitingForRoutes);
        waitingForRoutes.clear();
        due.forEach(Runnable::run);
        client.runPendingTasks();
    }

    /** Time moves on for every client and the pool; their due timers and tasks run. */
    void advance(long ms) {
        nanos += TimeUnit.MILLISECONDS.toNanos(ms);
        for (EmbeddedChannel c : channels()) {
            c.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        }
        runTasks();
    }

    /** Runs what is due on every channel (a pool's wake-ups run on the pool's loop). */
    void runTasks() {
        for (int round = 0; round < 3; round++) {
            for (EmbeddedChannel c : channels()) {
                c.runScheduledPendingTasks();
                c.runPendingTasks();
            }
        }
    }

    private List<EmbeddedChannel> channels() {
        List<EmbeddedChannel> all = new ArrayList<>();
        all.add(poolLoop);
        clients.forEach(c -> all.add(c.channel));
        nodes.forEach(n -> all.add(n.channel));
        return all;
    }

    // --- the first client's side (see Client for the others) ---

    HandshakeV10Packet greeting() {
        return first.greeting();
    }

    void login(String user, String password) {
        first.login(user, password);
    }

    Node loggedIn() {
        return first.loggedIn();
    }

    void send(int seq, Consumer<ByteBuf> payload) {
        first.send(seq, payload);
    }

    void query(String sql) {
        first.query(sql);
    }

    ByteBuf outbound() {
        return first.outbound();
    }

    ByteBuf allOutbound() {
        return first.allOutbound();
    }

    ErrPacket error() {
        return first.error();
    }

    /** One client of the listener. */
    final class Client {
        final EmbeddedChannel channel;
        private HandshakeV10Packet greeting;

        Client(EmbeddedChannel channel) {
            this.channel = channel;
        }

        HandshakeV10Packet greeting() {
            if (greeting == null) {
                ByteBuf frame = outbound();
                greeting = HandshakeV10Packet.decode(payload(frame));
                frame.release();
            }
            return greeting;
        }

        /** Sends the login of {@code user} with {@code password}'s proof, into {@code database} (null: none). */
        void login(String user, String password, String database) {
            byte[] proof = NativePassword.respond(password.getBytes(StandardCharsets.UTF_8),
                    greeting().authPluginData());
            int caps = database == null ? CLIENT_CAPS : CLIENT_CAPS | Capabilities.CONNECT_WITH_DB;
            send(1, new HandshakeResponse41Packet(caps, 1 << 24, 45, 0, user, proof, database,
                    NativePassword.PLUGIN, Map.of())::encode);
        }

        void login(String user, String password) {
            login(user, password, null);
        }

        /** Logs in as the test's user on a first node that takes it: the client has its OK. */
        Node loggedIn() {
            login(USER, PASSWORD);
            Node node = lastNode();
            node.acceptLogin(ServerStatus.AUTOCOMMIT);
            loginOk();
            return node;
        }

        /** The client's login ended with an OK. */
        void loginOk() {
            ByteBuf ok = outbound();
            assertEquals(OkPacket.MARKER, Frames.firstByte(ok), "the client's login ends with an OK");
            assertEquals(2, Frames.sequenceId(ok));
            ok.release();
        }

        void send(int seq, Consumer<ByteBuf> payload) {
            channel.writeInbound(frame(seq, payload));
            runTasks();
        }

        void query(String sql) {
            send(0, new ComPackets.ComQueryPacket(sql)::encode);
        }

        /** The next frame the session wrote to the client (whole, header included). */
        ByteBuf outbound() {
            runTasks();
            ByteBuf b = channel.readOutbound();
            assertNotNull(b, "the session wrote nothing to the client");
            return b;
        }

        /** Everything the session wrote to the client so far, as one buffer. */
        ByteBuf allOutbound() {
            runTasks();
            ByteBuf all = Unpooled.buffer();
            for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
                all.writeBytes(b);
                b.release();
            }
            return all;
        }

        /** Whether the session wrote nothing more to the client. */
        boolean quiet() {
            runTasks();
            return channel.outboundMessages().isEmpty();
        }

        /** The next frame to the client, which must be an error: its code, SQLSTATE and message. */
        ErrPacket error() {
            ByteBuf frame = outbound();
            try {
                assertEquals(ErrPacket.MARKER, Frames.firstByte(frame), () -> "expected an ERR packet, got "
                        + ByteBufUtil.hexDump(frame));
                return ErrPacket.decode(payload(frame));
            } finally {
                frame.release();
            }
        }

        /** The next frame to the client, which must be an OK: its status flags. */
        int ok() {
            ByteBuf frame = outbound();
            try {
                assertEquals(OkPacket.MARKER, Frames.firstByte(frame), () -> "expected an OK packet, got "
                        + ByteBufUtil.hexDump(frame));
                return OkPacket.decode(payload(frame), CLIENT_CAPS).statusFlags();
            } finally {
                frame.release();
            }
        }
    }

    /** The first client (the one {@link #query} and {@link #loggedIn} speak for). */
    Client first() {
        return first;
    }

    Node lastNode() {
        assertTrue(!nodes.isEmpty(), "the session opened no backend connection");
        return nodes.getLast();
    }

    @Override
    public void close() {
        clients.forEach(c -> c.channel.finishAndReleaseAll());
        nodes.forEach(n -> n.channel.finishAndReleaseAll());
        poolLoop.finishAndReleaseAll();
    }

    // --- frames ---

    static ByteBuf frame(int seq, Consumer<ByteBuf> payload) {
        ByteBuf p = Unpooled.buffer();
        payload.accept(p);
        ByteBuf f = Unpooled.buffer();
        Frames.write(f, p, seq);
        p.release();
        return f;
    }

    static ByteBuf payload(ByteBuf frame) {
        return frame.slice(frame.readerIndex() + Frames.HEADER, Frames.payloadLength(frame));
    }

    static void lenenc(ByteBuf b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.writeByte(bytes.length).writeBytes(bytes);
    }

    /** A one-column text result set as a server sends it with DEPRECATE_EOF: count, column, rows, the ending OK. */
    static List<ByteBuf> resultSet(String column, List<String> rows, int status) {
        List<ByteBuf> frames = new ArrayList<>();
        int seq = 1;
        frames.add(frame(seq++, b -> b.writeByte(1)));
        frames.add(frame(seq++, b -> {
            lenenc(b, "def");
            lenenc(b, "");
            lenenc(b, "");
            lenenc(b, "");
            lenenc(b, column);
            lenenc(b, "");
            b.writeByte(0x0c).writeShortLE(33).writeIntLE(256).writeByte(0xfd).writeShortLE(0).writeByte(0)
                    .writeShortLE(0);
        }));
        for (String row : rows) {
            frames.add(frame(seq++, b -> lenenc(b, row)));
        }
        frames.add(frame(seq, b -> b.writeByte(OkPacket.EOF_MARKER).writeByte(0).writeByte(0).writeShortLE(status)
                .writeShortLE(0)));
        return frames;
    }

    /** A scripted backend node on the far side of one of the session's backend connections. */
    final class Node {
        static final byte[] SCRAMBLE = "ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII);
        static final int SERVER_CAPS = Capabilities.GATEWAY | Capabilities.COMPRESS;
        final EmbeddedChannel channel;
        final InetSocketAddress address;
        final long threadId;
        HandshakeResponse41Packet login;
        private static final AtomicLong THREADS = new AtomicLong(100);

        Node(BackendSession b, InetSocketAddress address) {
            this.address = address;
            this.threadId = THREADS.incrementAndGet();
            channel = new EmbeddedChannel(FrameDecoder.forBackend(), b);
        }

        /** Greets, checks the session's login proves the user's password, and says OK with these flags. */
        void acceptLogin(int statusFlags) {
            greet();
            ByteBuf frame = command();
            login = HandshakeResponse41Packet.decode(payload(frame));
            byte[] stored = NativePassword.storedHash(PASSWORD.getBytes(StandardCharsets.UTF_8));
            assertNotNull(NativePassword.verify(login.authResponse(), SCRAMBLE, stored),
                    "the backend login proves the user's password");
            int seq = Frames.sequenceId(frame) + 1;
            frame.release();
            reply(frame(seq, p -> OkPacket.of(statusFlags).encode(p, login.capabilities())));
        }

        /**
         * Reads a COM_CHANGE_USER (a pooled connection lent to a session that just logged in), checks it proves the
         * user's password against the greeting's scramble, and says OK; the packet, to check its user and schema.
         */
        io.mysqlha.protocol.ComChangeUserPacket acceptChangeUser(int statusFlags) {
            ByteBuf frame = command();
            io.mysqlha.protocol.ComChangeUserPacket request;
            try {
                request = io.mysqlha.protocol.ComChangeUserPacket.decode(payload(frame), login.capabilities());
                assertEquals(0, Frames.sequenceId(frame));
            } finally {
                frame.release();
            }
            byte[] stored = NativePassword.storedHash(PASSWORD.getBytes(StandardCharsets.UTF_8));
            assertNotNull(NativePassword.verify(request.authResponse(), SCRAMBLE, stored),
                    "COM_CHANGE_USER proves the user's password");
            ok(statusFlags);
            return request;
        }

        void greet() {
            reply(frame(0, new HandshakeV10Packet("8.0.40-node", threadId, SCRAMBLE, SERVER_CAPS, 45,
                    ServerStatus.AUTOCOMMIT, 0, NativePassword.PLUGIN)::encode));
        }

        /** The next frame the gateway sent this node. */
        ByteBuf command() {
            channel.runPendingTasks();
            ByteBuf b = channel.readOutbound();
            assertNotNull(b, "the gateway sent nothing to " + address);
            return b;
        }

        /** The next command's statement text (a COM_QUERY). */
        String query() {
            ByteBuf frame = command();
            try {
                return ComPackets.ComQueryPacket.decode(payload(frame)).query();
            } finally {
                frame.release();
            }
        }

        boolean sentNothing() {
            channel.runPendingTasks();
            return channel.outboundMessages().isEmpty();
        }

        void reply(ByteBuf... frames) {
            ByteBuf run = Unpooled.buffer();
            for (ByteBuf f : frames) {
                run.writeBytes(f);
                f.release();
            }
            channel.writeInbound(run);
            runTasks();
        }

        void reply(List<ByteBuf> frames) {
            reply(frames.toArray(ByteBuf[]::new));
        }

        void ok(int statusFlags) {
            reply(frame(1, p -> OkPacket.of(statusFlags).encode(p, login.capabilities())));
        }

        /** An OK with a last insert id and warnings. */
        void ok(int statusFlags, long lastInsertId, int warnings) {
            reply(frame(1, p -> new OkPacket(OkPacket.MARKER, 1, lastInsertId, statusFlags, warnings, "", null)
                    .encode(p, login.capabilities())));
        }

        /** The node goes away (a crash, a failover's fence). */
        void die() {
            channel.close();
            channel.runPendingTasks();
        }
    }

    /** One listener's route, to nodes the test names. */
    static final class TestRoute implements SessionContext.Route {
        InetSocketAddress writer = new InetSocketAddress("127.0.0.1", 3306);
        long version = 1;
        int maxConnections = 100;
        /** Multiplexing: null, each session keeps its connection. */
        io.mysqlha.domain.RoutingPolicy.ConnectionPool pool;
        /** Splitting reads from writes: null, everything goes to the writer. */
        io.mysqlha.gateway.split.SplitSettings split;
        /** The reader the topology names (with splitting). */
        InetSocketAddress reader;
        final TestMetrics metrics = new TestMetrics();
        private final AtomicReference<SessionContext.Flavour> flavour = new AtomicReference<>(
                SessionContext.Flavour.configured("8.0.40-gateway"));

        @Override
        public String role() {
            return "writer";
        }

        @Override
        public String cluster() {
            return "test";
        }

        @Override
        public AtomicReference<SessionContext.Flavour> flavour() {
            return flavour;
        }

        @Override
        public InetSocketAddress backend() {
            return writer;
        }

        @Override
        public boolean stillServes(InetSocketAddress backend) {
            return backend.equals(writer);
        }

        @Override
        public io.mysqlha.gateway.split.SplitSettings split() {
            return split;
        }

        @Override
        public io.mysqlha.gateway.split.WriterPosition writerPosition() {
            return null;
        }

        @Override
        public InetSocketAddress readerBackend() {
            return reader;
        }

        @Override
        public boolean readerServes(InetSocketAddress r) {
            return r.equals(reader);
        }

        @Override
        public long routesVersion() {
            return version;
        }

        @Override
        public SessionMetrics sessionMetrics() {
            return metrics;
        }

        @Override
        public int maxConnections() {
            return maxConnections;
        }

        @Override
        public io.netty.handler.ssl.SslContext tls() {
            return null;
        }

        @Override
        public boolean requireTls() {
            return false;
        }

        @Override
        public SessionContext.NodeTls nodeTls() {
            return null;
        }

        @Override
        public io.mysqlha.domain.RoutingPolicy.ConnectionPool pool() {
            return pool;
        }
    }

    /** Counts what sessions report. */
    static final class TestMetrics implements SessionMetrics {
        int open;
        int authenticated;
        final Map<Cause, Integer> errors = new EnumMap<>(Cause.class);
        final ArrayDeque<String> pins = new ArrayDeque<>();
        private final io.mysqlha.gateway.sql.QueryDigests digests = new io.mysqlha.gateway.sql.QueryDigests();

        @Override
        public int opened() {
            return ++open;
        }

        @Override
        public void closed() {
            open--;
        }

        @Override
        public void refusedTooMany() {
        }

        @Override
        public void authenticated() {
            authenticated++;
        }

        @Override
        public void error(Cause cause) {
            errors.merge(cause, 1, Integer::sum);
        }

        @Override
        public Runnable statements(String node) {
            return () -> { };
        }

        @Override
        public void backendConnect(String node, boolean ok) {
        }

        @Override
        public void held(long nanos) {
        }

        @Override
        public io.mysqlha.gateway.sql.QueryDigests digests() {
            return digests;
        }

        @Override
        public void backendReleased() {
        }

        @Override
        public void unclassified() {
        }

        @Override
        public void pinned(String reason) {
            pins.add(reason);
        }

        @Override
        public void causalWait(long nanos, boolean applied) {
        }
    }
}
