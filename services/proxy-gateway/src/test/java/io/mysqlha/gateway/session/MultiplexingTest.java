package io.mysqlha.gateway.session;

import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.gateway.session.SessionHarness.Client;
import io.mysqlha.gateway.session.SessionHarness.Node;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.ServerStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions sharing backend connections (see {@link BackendPool}): frame by frame on embedded channels, every session
 * on one pool as on one event loop.
 */
class MultiplexingTest {
    private static final int AUTOCOMMIT = ServerStatus.AUTOCOMMIT;
    private final SessionHarness s = new SessionHarness();

    @AfterEach
    void close() {
        s.close();
    }

    private void pool(int maxConnections, long queueTimeoutMs) {
        s.route.pool = new RoutingPolicy.ConnectionPool(maxConnections, queueTimeoutMs, null, null, null);
    }

    /** A second client logged in on {@code node}'s free connection: COM_CHANGE_USER there, no connection of its own. */
    private Client second(Node node) {
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertEquals(SessionHarness.USER, node.acceptChangeUser(AUTOCOMMIT).user());
        b.loginOk();
        return b;
    }

    /** The first session logged in on a pool and set its time zone; its connection is free again, with it. */
    private Node loggedInWithATimeZone() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        s.query("SET time_zone = '+01:00'");
        assertEquals("SET time_zone = '+01:00'", node.query());
        node.ok(AUTOCOMMIT);
        s.allOutbound().release();
        return node;
    }

    @Test
    void twoSessionsTakingTurnsShareOneBackendConnection() {
        pool(10, 1_000);
        Client a = s.newClient();
        a.login(SessionHarness.USER, SessionHarness.PASSWORD);
        Node node = s.lastNode();
        node.acceptLogin(AUTOCOMMIT);
        a.loginOk();
        Client b = second(node);
        assertEquals(1, s.nodes.size(), "the second login took the connection the first gave back");
        for (int i = 0; i < 3; i++) {
            a.query("SELECT " + i);
            assertEquals("SELECT " + i, node.query());
            node.ok(AUTOCOMMIT);
            assertEquals(AUTOCOMMIT, a.ok());
            b.query("SELECT 1" + i);
            assertEquals("SELECT 1" + i, node.query());
            node.ok(AUTOCOMMIT);
            assertEquals(AUTOCOMMIT, b.ok());
        }
        assertEquals(1, s.nodes.size());
    }

    @Test
    void aSessionInATransactionKeepsItsConnectionAndAnotherSessionGetsItsOwn() {
        pool(10, 1_000);
        Node first = s.loggedIn();
        s.query("BEGIN");
        first.query();
        first.ok(AUTOCOMMIT | ServerStatus.IN_TRANS);
        s.allOutbound().release();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        Node second = s.lastNode();
        assertTrue(first != second, "the transaction's connection is not lent");
        second.acceptLogin(AUTOCOMMIT);
        b.loginOk();
        b.query("SELECT 1");
        assertEquals("SELECT 1", second.query());
        assertTrue(first.sentNothing(), "nothing of the other session reached the transaction's connection");
        s.query("COMMIT");
        assertEquals("COMMIT", first.query());
    }

    @Test
    void aLoginOnAFreeConnectionIsCheckedByTheNodeWithCOM_CHANGE_USER() {
        Node node = loggedInWithATimeZone();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD, "shop");
        assertEquals(1, s.nodes.size(), "the free connection serves the new session: none is opened");
        io.mysqlha.protocol.ComChangeUserPacket change = node.acceptChangeUser(AUTOCOMMIT);
        assertEquals(List.of(SessionHarness.USER, "shop", 45), List.of(change.user(), change.database(),
                change.characterSet()), "the login's user, schema and character set");
        b.loginOk();
        b.query("SELECT NOW()");
        assertEquals("SELECT NOW()", node.query(), "COM_CHANGE_USER left none of the other session's time zone");
        node.ok(AUTOCOMMIT);
        b.allOutbound().release();
    }

    @Test
    void aLoginTheNodeRefusesOnAFreeConnectionIsRefusedByANewConnectionsLoginAsWell() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        node.command().release(); // COM_CHANGE_USER: the user was dropped on the node since the gateway read its users
        node.reply(SessionHarness.frame(1, p -> new ErrPacket(1045, "28000", "Access denied for user 'app'")
                .encode(p)));
        assertEquals(io.mysqlha.protocol.Command.QUIT, command(node), "the connection the node refused goes");
        assertEquals(2, s.nodes.size(), "the session tries a connection of its own, as without a pool");
        Node fresh = s.lastNode();
        fresh.greet();
        fresh.command().release();
        fresh.reply(SessionHarness.frame(2, p -> new ErrPacket(1045, "28000", "Access denied for user 'app'")
                .encode(p)));
        assertEquals(1045, b.error().errorCode(), "the client hears the node's refusal");
    }

    @Test
    void aSessionThatQuitsLeavesItsIdleConnectionToTheNextLoginAndAQuitInATransactionClosesIt() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        s.query("INSERT INTO t VALUES (NULL)");
        node.query();
        node.ok(AUTOCOMMIT, 42, 0); // kept for LAST_INSERT_ID() as long as the session lives
        s.allOutbound().release();
        s.send(0, p -> p.writeByte(io.mysqlha.protocol.Command.QUIT));
        s.runTasks();
        assertTrue(node.sentNothing(), "no COM_QUIT: the connection outlives the session that quit");
        Client b = second(node);
        b.query("BEGIN");
        node.query();
        node.ok(AUTOCOMMIT | ServerStatus.IN_TRANS);
        b.allOutbound().release();
        b.send(0, p -> p.writeByte(io.mysqlha.protocol.Command.QUIT));
        b.channel.runPendingTasks();
        assertEquals(io.mysqlha.protocol.Command.QUIT, command(node), "the open transaction ends with the connection,"
                + " as on the node");
        assertEquals(1, s.nodes.size());
    }

    @Test
    void aFreeConnectionIdleForThePingIntervalIsPingedAndServesTheNextLogin() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        s.advance(9_000);
        assertTrue(node.sentNothing(), "not idle for ping_interval_ms (10 s) yet");
        s.advance(2_000);
        assertEquals(io.mysqlha.protocol.Command.PING, command(node));
        node.ok(AUTOCOMMIT);
        second(node);
        assertEquals(1, s.nodes.size(), "the pinged connection is free again");
        assertEquals(1L, s.context.pools().view().getFirst().get("pings"));
        assertEquals(1L, s.context.pools().figure("test", BackendSession.address(node.address), "pings"),
                "the same figure, for its meter");
        assertEquals(0L, s.context.pools().figure("test", "127.0.0.1:1", "pings"), "a node no pool served");
    }

    @Test
    void aFreeConnectionThatDiesUnderItsPingIsNotLentAndTheNextLoginOpensAnother() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        s.advance(11_000);
        assertEquals(io.mysqlha.protocol.Command.PING, command(node));
        node.die();
        s.runTasks();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertEquals(2, s.nodes.size(), "a new connection: the pinged one went");
        s.lastNode().acceptLogin(AUTOCOMMIT);
        b.loginOk();
        assertEquals(1L, s.context.pools().view().getFirst().get("pingFailures"));
    }

    @Test
    void withConnectionWarmingALoginOpensAConnectionUntilTheFreeShareIsOpen() {
        s.route.pool = new RoutingPolicy.ConnectionPool(10, 1_000L, null, null, 20, null, null, true);
        Node first = s.loggedIn();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertEquals(2, s.nodes.size(), "warming: a new connection though one is free (20 % of 10: 2 kept)");
        s.lastNode().acceptLogin(AUTOCOMMIT);
        b.loginOk();
        Client c = s.newClient();
        c.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertEquals(2, s.nodes.size(), "warm: a free one is lent");
        assertTrue(first.sentNothing() ^ s.lastNode().sentNothing(), "one of the two got the login");
    }

    @Test
    void aConnectionInAnotherSessionsStateIsResetBeforeItServesAnotherSession() {
        Node node = loggedInWithATimeZone();
        Client b = second(node);
        b.query("SET time_zone = '+02:00'");
        assertEquals("SET time_zone = '+02:00'", node.query());
        node.ok(AUTOCOMMIT);
        b.allOutbound().release();
        // the connection carries the second session's time zone: the first gets it reset, then its own again
        s.query("SELECT NOW()");
        assertEquals(io.mysqlha.protocol.Command.RESET_CONNECTION, command(node));
        node.ok(AUTOCOMMIT);
        assertEquals(BackendSession.characterSetOf(45), node.query(), "then the login's character set, as at a login");
        node.ok(AUTOCOMMIT);
        assertEquals("SET time_zone = '+01:00'", node.query());
        node.ok(AUTOCOMMIT);
        assertEquals("SELECT NOW()", node.query());
        assertEquals(1, s.nodes.size());
    }

    @Test
    void aConnectionAnotherSessionUsedMeanwhileIsNotTakenBackAsItWasLeft() {
        pool(10, 1_000);
        s.first().login(SessionHarness.USER, SessionHarness.PASSWORD, "shop");
        Node node = s.lastNode();
        node.acceptLogin(AUTOCOMMIT);
        s.first().loginOk();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD, "crm");
        assertEquals("crm", node.acceptChangeUser(AUTOCOMMIT).database(), "the free connection logs in to the new"
                + " session's schema");
        b.loginOk();
        s.query("SELECT DATABASE()");
        assertEquals("USE `shop`", node.query(), "the first session's connection came back in another schema");
        node.ok(AUTOCOMMIT);
        assertEquals("SELECT DATABASE()", node.query());
        assertEquals(1, s.nodes.size());
    }

    private static int command(Node node) {
        io.netty.buffer.ByteBuf f = node.command();
        try {
            return io.mysqlha.protocol.Frames.firstByte(f);
        } finally {
            f.release();
        }
    }

    @Test
    void afterALastInsertIdTheNextStatementsStayOnTheSameConnection() {
        pool(10, 1_000);
        Node first = s.loggedIn();
        s.query("INSERT INTO t VALUES (NULL)");
        first.query();
        first.ok(AUTOCOMMIT, 42, 0);
        s.allOutbound().release();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertEquals(2, s.nodes.size(), "the connection that knows LAST_INSERT_ID() stays with its session");
        s.query("SELECT LAST_INSERT_ID()");
        assertEquals("SELECT LAST_INSERT_ID()", first.query());
    }

    @Test
    void atMaxConnectionsAStatementWaitsForOneGivenBackThenGoesOnIt() {
        pool(1, 5_000);
        Node node = s.loggedIn();
        s.query("BEGIN");
        node.query();
        node.ok(AUTOCOMMIT | ServerStatus.IN_TRANS);
        s.allOutbound().release();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertEquals(1, s.nodes.size(), "never more than max_connections");
        assertTrue(b.quiet(), "the login waits for a connection");
        s.query("COMMIT");
        assertEquals("COMMIT", node.query());
        node.ok(AUTOCOMMIT);
        s.allOutbound().release();
        node.acceptChangeUser(AUTOCOMMIT);
        b.loginOk();
        b.query("SELECT 1");
        assertEquals("SELECT 1", node.query());
    }

    @Test
    void aQueueTimeoutIsAClearErrorAndTheSessionStaysUsable() {
        pool(1, 3_000);
        Node node = s.loggedIn();
        Client b = second(node);
        s.query("BEGIN");
        node.query();
        node.ok(AUTOCOMMIT | ServerStatus.IN_TRANS);
        s.allOutbound().release();
        b.query("SELECT 1");
        s.advance(2_999);
        assertTrue(b.quiet(), "it waits up to the queue timeout");
        s.advance(1);
        ErrPacket err = b.error();
        assertEquals(ErrPacket.BACKEND_UNAVAILABLE, err.errorCode());
        assertEquals("mysqlha gateway: no free connection to writer 127.0.0.1:3306 within routing.pool."
                + "queue_timeout_ms (3000 ms): its 1 connections on this event loop are all in use"
                + " (routing.pool.max_connections 1)", err.message());
        s.query("COMMIT");
        node.query();
        node.ok(AUTOCOMMIT);
        s.allOutbound().release();
        b.query("SELECT 2");
        assertEquals("SELECT 2", node.query(), "the session that timed out goes on");
        assertEquals(1, s.route.metrics.errors.get(SessionMetrics.Cause.QUEUE_TIMEOUT));
    }

    @Test
    void theTopologyMovingWhileAStatementRunsSendsTheNextStatementToTheNewWriter() {
        pool(10, 1_000);
        Node old = s.loggedIn();
        s.query("INSERT INTO t VALUES (1)");
        assertEquals("INSERT INTO t VALUES (1)", old.query());
        // a switchover names another writer while the insert is under way
        s.route.writer = new java.net.InetSocketAddress("127.0.0.1", 3307);
        s.routesChanged();
        old.ok(AUTOCOMMIT);
        s.allOutbound().release();
        s.query("INSERT INTO t VALUES (2)");
        Node next = s.lastNode();
        assertEquals(3307, next.address.getPort(), "the connection given back is not taken back to the old writer");
        next.acceptLogin(AUTOCOMMIT);
        assertEquals("INSERT INTO t VALUES (2)", next.query());
        assertTrue(old.sentNothing());
    }

    @Test
    void withoutMultiplexingEachSessionKeepsItsOwnConnection() {
        Node first = s.loggedIn();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        Node second = s.lastNode();
        assertTrue(first != second);
    }

    @Test
    void aSessionThatAskedItsConnectionIdKeepsThatConnectionSoAKillByItReachesIt() {
        pool(10, 1_000);
        Node first = s.loggedIn();
        Client victim = s.newClient();
        victim.login(SessionHarness.USER, SessionHarness.PASSWORD);
        first.acceptChangeUser(AUTOCOMMIT);
        victim.loginOk();
        victim.query("SELECT CONNECTION_ID()");
        assertEquals("SELECT CONNECTION_ID()", first.query(), "the victim took the free connection");
        first.reply(SessionHarness.resultSet("CONNECTION_ID()", java.util.List.of(Long.toString(first.threadId)),
                AUTOCOMMIT));
        victim.allOutbound().release();
        s.query("KILL CONNECTION " + first.threadId);
        assertEquals(2, s.nodes.size(), "the killer needed a connection of its own");
        Node second = s.lastNode();
        second.acceptLogin(AUTOCOMMIT);
        assertEquals(AUTOCOMMIT, s.client.isActive() ? okOf(s) : -1);
        victim.channel.runPendingTasks();
        s.runTasks();
        assertTrue(!victim.channel.isActive(), "the session that held the thread is closed, as the node would");
    }

    // --- prepared statements on pooled connections ---

    private static final int LONG = 0x03;
    private static final int VARCHAR = 0x0f;

    /** The client prepares {@code sql} (one parameter); the node prepares it as {@code backendId}: the client's id. */
    private static int prepare(Client c, Node node, String sql, int backendId) {
        c.send(0, p -> p.writeByte(io.mysqlha.protocol.Command.STMT_PREPARE).writeBytes(sql.getBytes()));
        nodePrepares(node, backendId);
        io.netty.buffer.ByteBuf answer = c.allOutbound();
        int clientId = answer.getIntLE(answer.readerIndex() + io.mysqlha.protocol.Frames.HEADER + 1);
        answer.release();
        return clientId;
    }

    /** The node gets a COM_STMT_PREPARE (of one parameter) and prepares it as {@code backendId}. */
    private static void nodePrepares(Node node, int backendId) {
        io.netty.buffer.ByteBuf sent = node.command();
        assertEquals(io.mysqlha.protocol.Command.STMT_PREPARE, io.mysqlha.protocol.Frames.firstByte(sent));
        sent.release();
        node.reply(SessionHarness.frame(1, p -> p.writeByte(0).writeIntLE(backendId).writeShortLE(0).writeShortLE(1)
                .writeByte(0).writeShortLE(0)), SessionHarness.frame(2, p -> {
                    for (String part : new String[] {"def", "", "", "", "?", ""}) {
                        SessionHarness.lenenc(p, part);
                    }
                    p.writeByte(0x0c).writeShortLE(63).writeIntLE(21).writeByte(0x08).writeShortLE(0).writeByte(0)
                            .writeShortLE(0);
                }));
    }

    /** COM_STMT_EXECUTE of one parameter, with its type ({@code type} 0: the types bound before). */
    private static void execute(Client c, int id, int flags, int type) {
        c.send(0, p -> {
            p.writeByte(io.mysqlha.protocol.Command.STMT_EXECUTE).writeIntLE(id).writeByte(flags).writeIntLE(1)
                    .writeByte(0).writeByte(type == 0 ? 0 : 1);
            if (type != 0) {
                p.writeShortLE(type);
            }
            p.writeByte(1).writeByte('5');
        });
    }

    /** What the node got: the statement id, and the type bound with it (0: none sent). */
    private static int[] executed(Node node) {
        io.netty.buffer.ByteBuf f = node.command();
        try {
            int at = f.readerIndex() + io.mysqlha.protocol.Frames.HEADER;
            assertEquals(io.mysqlha.protocol.Command.STMT_EXECUTE, f.getUnsignedByte(at));
            boolean bound = f.getByte(at + 1 + 4 + 1 + 4 + 1) == 1;
            return new int[] {f.getIntLE(at + 1), bound ? f.getUnsignedShortLE(at + 1 + 4 + 1 + 4 + 1 + 1) : 0};
        } finally {
            f.release();
        }
    }

    @Test
    void sessionsWithPreparedStatementsShareAConnectionAndTheStatementsPreparedOnIt() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        Client b = second(node);
        int a1 = prepare(s.first(), node, "SELECT ?", 11);
        execute(s.first(), a1, 0, LONG);
        assertEquals(11, executed(node)[0]);
        node.ok(AUTOCOMMIT);
        s.allOutbound().release();
        // the connection went back with its statement: the other session prepares the same text there
        int b1 = prepare(b, node, "SELECT ?", 12);
        execute(b, b1, 0, VARCHAR);
        assertEquals(12, executed(node)[0]);
        node.ok(AUTOCOMMIT);
        b.allOutbound().release();
        io.netty.buffer.ByteBuf close = node.command();
        assertEquals(io.mysqlha.protocol.Command.STMT_CLOSE, io.mysqlha.protocol.Frames.firstByte(close),
                "the statement the second prepare replaced is closed on the node when the connection goes back");
        assertEquals(11, PreparedStatements.statementId(close));
        close.release();
        // the first session executes without sending types: it runs the connection's statement, with its own types
        execute(s.first(), a1, 0, 0);
        assertEquals(java.util.List.of(12, LONG), java.util.Arrays.stream(executed(node)).boxed().toList(),
                "the node last got another session's VARCHAR: the session's own LONG is bound again");
        node.ok(AUTOCOMMIT);
        s.allOutbound().release();
        execute(s.first(), a1, 0, 0);
        assertEquals(java.util.List.of(12, 0), java.util.Arrays.stream(executed(node)).boxed().toList(),
                "types the node already has are not sent again");
        assertEquals(1, s.nodes.size(), "one backend connection for both sessions and their statements");
    }

    @Test
    void anExecuteThatOpensACursorKeepsTheConnectionForItsFetches() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        int id = prepare(s.first(), node, "SELECT ?", 11);
        execute(s.first(), id, 0x01, LONG);
        nodePrepares(node, 12); // a statement of the session's own: another session's execute would close its cursor
        assertEquals(12, executed(node)[0]);
        node.ok(AUTOCOMMIT);
        s.allOutbound().release();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertEquals(2, s.nodes.size(), "the cursor's connection is not lent");
    }

    // --- the reader connection of the splitting listener, pooled as the writer's ---

    private static final java.net.InetSocketAddress READER = new java.net.InetSocketAddress("127.0.0.1", 3307);

    /** Reads go to READER (causal reads off: no GTID waits in these frames). */
    private void splitting() {
        s.route.split = new io.mysqlha.gateway.split.SplitSettings(RoutingPolicy.CausalReads.NONE, 50,
                java.util.Set.of(), io.mysqlha.gateway.split.QueryRules.NONE);
        s.route.reader = READER;
    }

    /** The first session's first read opens the reader connection, which answers it. */
    private Node firstRead() {
        s.query("SELECT 1");
        Node reader = s.lastNode();
        assertEquals(READER, reader.address, "a read opens a connection to the reader");
        reader.acceptLogin(AUTOCOMMIT);
        assertEquals("SELECT 1", reader.query());
        reader.reply(SessionHarness.resultSet("1", List.of("1"), AUTOCOMMIT));
        s.allOutbound().release();
        return reader;
    }

    /** Client {@code c}'s read goes to {@code reader}, which answers it. */
    private static void read(Client c, Node reader, String sql) {
        c.query(sql);
        assertEquals(sql, reader.query());
        reader.reply(SessionHarness.resultSet("v", List.of("1"), AUTOCOMMIT));
        c.allOutbound().release();
    }

    @Test
    void sessionsTakingTurnsReadOnOneReaderConnection() {
        pool(10, 1_000);
        splitting();
        Node writer = s.loggedIn();
        Node reader = firstRead();
        Client b = second(writer);
        read(b, reader, "SELECT 2");
        read(s.first(), reader, "SELECT 3");
        read(b, reader, "SELECT 4");
        assertEquals(2, s.nodes.size(), "one writer connection and one reader connection serve both sessions");
    }

    @Test
    void aReadThatLeftAnErrorKeepsItsReaderConnectionForShowWarningsUntilAnotherStatement() {
        pool(10, 1_000);
        splitting();
        Node writer = s.loggedIn();
        Node reader = firstRead();
        s.query("SELECT * FROM missing");
        assertEquals("SELECT * FROM missing", reader.query());
        reader.reply(SessionHarness.frame(1, p -> new ErrPacket(1146, "42S02", "Table 'missing' doesn't exist")
                .encode(p)));
        assertEquals(1146, s.error().errorCode());
        Client b = second(writer);
        b.query("SELECT 2");
        Node other = s.lastNode();
        assertTrue(other != reader && READER.equals(other.address),
                "the reader connection stays with the session whose SHOW WARNINGS may follow: another one is opened");
        other.acceptLogin(AUTOCOMMIT);
        assertEquals("SELECT 2", other.query());
        other.reply(SessionHarness.resultSet("2", List.of("2"), AUTOCOMMIT));
        b.allOutbound().release();
        for (int i = 0; i < 2; i++) { // SHOW WARNINGS leaves the warnings: the second is asked there too
            s.query("SHOW WARNINGS");
            assertEquals("SHOW WARNINGS", reader.query(), "SHOW WARNINGS is asked where the error was");
            reader.reply(SessionHarness.resultSet("Message", List.of("Table 'missing' doesn't exist"), AUTOCOMMIT));
            s.allOutbound().release();
        }
        s.query("DELETE FROM t");
        assertEquals("DELETE FROM t", writer.query());
        writer.ok(AUTOCOMMIT);
        s.allOutbound().release();
        read(b, other, "SELECT 3");
        read(s.first(), reader, "SELECT 4"); // the statement after SHOW WARNINGS let it go; it takes it back
        assertEquals(3, s.nodes.size());
    }

    @Test
    void aReadGoesToTheReaderWithoutBorrowingAWriterConnection() {
        pool(1, 1_000); // one connection per node: a read that needed the writer's would wait for it
        splitting();
        Node writer = s.loggedIn();
        Node reader = firstRead();
        Client b = second(writer);
        b.query("BEGIN");
        assertEquals("BEGIN", writer.query());
        writer.ok(AUTOCOMMIT | ServerStatus.IN_TRANS); // the writer's only connection stays with b's transaction
        b.allOutbound().release();
        read(s.first(), reader, "SELECT 2");
        read(s.first(), reader, "SELECT 3");
        assertEquals(2, s.nodes.size(), "no connection opened beyond the node's limit");
        assertTrue(writer.sentNothing(), "nothing of the reads reached the writer");
    }

    private static int okOf(SessionHarness h) {
        io.netty.buffer.ByteBuf f = h.outbound();
        try {
            return io.mysqlha.protocol.OkPacket.decode(SessionHarness.payload(f), SessionHarness.CLIENT_CAPS)
                    .statusFlags();
        } finally {
            f.release();
        }
    }
}
