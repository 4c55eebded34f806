package io.mysqlha.gateway.session;

import io.mysqlha.protocol.Command;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.OkPacket;
import io.mysqlha.protocol.ServerStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import io.mysqlha.gateway.session.SessionHarness.Node;
import static io.mysqlha.gateway.session.SessionHarness.resultSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client session's protocol, frame by frame, against scripted backends (see {@link SessionHarness}). */
class ClientSessionTest {
    private final SessionHarness s = new SessionHarness();

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void theGatewayGreetsWithItsOwnIdThenLogsInToTheNodeAsTheClientsUser() {
        assertEquals(1_000_000_001L, s.greeting().connectionId(), "the greeting carries the gateway's id");
        Node node = s.loggedIn();
        assertEquals(SessionHarness.USER, node.login.username());
        assertEquals(1, s.route.metrics.authenticated);
    }

    @Test
    void aQueryGoesToTheNodeAndItsResultSetComesBackByteForByte() {
        Node node = s.loggedIn();
        s.query("SELECT name FROM t");
        assertEquals("SELECT name FROM t", node.query());
        List<ByteBuf> answer = resultSet("name", List.of("a", "b", "c"), ServerStatus.AUTOCOMMIT);
        ByteBuf expected = Unpooled.buffer();
        answer.forEach(f -> expected.writeBytes(f, f.readerIndex(), f.readableBytes()));
        node.reply(answer);
        ByteBuf got = s.allOutbound();
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(got));
        expected.release();
        got.release();
    }

    @Test
    void aWrongPasswordIsMysqls1045AndNoBackendConnectionIsOpened() {
        s.login(SessionHarness.USER, "wrong");
        ErrPacket err = s.error();
        assertEquals(ErrPacket.ER_ACCESS_DENIED_ERROR, err.errorCode());
        assertEquals("28000", err.sqlState());
        assertTrue(s.nodes.isEmpty());
        assertFalse(s.client.isActive());
    }

    @Test
    void pastTheListenersLimitAClientGets1040InsteadOfAGreeting() {
        SessionHarness.TestRoute route = new SessionHarness.TestRoute();
        route.maxConnections = 0;
        io.netty.channel.embedded.EmbeddedChannel client = new io.netty.channel.embedded.EmbeddedChannel(
                FrameDecoder.forClient(), new ClientSession(s.context, route));
        ByteBuf frame = client.readOutbound();
        ErrPacket err = ErrPacket.decode(SessionHarness.payload(frame));
        assertEquals(ErrPacket.ER_CON_COUNT_ERROR, err.errorCode());
        assertEquals("Too many connections", err.message());
        assertEquals(0, Frames.sequenceId(frame));
        frame.release();
        client.runPendingTasks();
        assertFalse(client.isActive());
        client.finishAndReleaseAll();
    }

    @Test
    void aCommandTheGatewayDoesNotPassOnIs1047AndTheSessionGoesOn() {
        Node node = s.loggedIn();
        s.send(0, b -> b.writeByte(Command.BINLOG_DUMP).writeIntLE(4).writeShortLE(0).writeIntLE(1));
        ErrPacket err = s.error();
        assertEquals(ErrPacket.ER_UNKNOWN_COM_ERROR, err.errorCode());
        assertTrue(err.message().contains("COM_BINLOG_DUMP"), err.message());
        assertTrue(node.sentNothing(), "nothing of it reached the node");
        s.query("SELECT 1");
        assertEquals("SELECT 1", node.query());
    }

    @Test
    void aCommandWithASequenceIdOtherThanZeroIsMysqls1156AndTheConnectionCloses() {
        s.loggedIn();
        s.send(5, b -> b.writeByte(Command.QUERY).writeBytes("SELECT 1".getBytes()));
        ErrPacket err = s.error();
        assertEquals(ErrPacket.ER_NET_PACKETS_OUT_OF_ORDER, err.errorCode());
        s.client.runPendingTasks();
        assertFalse(s.client.isActive());
    }

    @Test
    void aNodeLostDuringAStatementIs9001ThenTheNextStatementGoesToTheNodeTheTopologyNamesThen() {
        Node first = s.loggedIn();
        s.query("UPDATE t SET x = 1");
        first.query();
        s.route.writer = new InetSocketAddress("127.0.0.1", 3307);
        first.die();
        ErrPacket err = s.error();
        assertEquals(ErrPacket.BACKEND_UNAVAILABLE, err.errorCode());
        assertTrue(err.message().contains("lost writer 127.0.0.1:3306 during the statement"), err.message());
        assertTrue(err.message().contains("it may or may not have been applied"), err.message());
        s.routesChanged();
        s.query("SELECT 1");
        Node second = s.lastNode();
        assertEquals(3307, second.address.getPort());
        second.acceptLogin(ServerStatus.AUTOCOMMIT);
        assertEquals("SELECT 1", second.query());
        assertEquals(1, s.route.metrics.errors.get(SessionMetrics.Cause.LOST_BACKEND));
    }

    @Test
    void anOpenTransactionLostWithItsNodeIs9002WithSqlstate40001OnTheNextStatementThenTheSessionGoesOn() {
        Node first = s.loggedIn();
        s.query("BEGIN");
        first.query();
        first.ok(ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS);
        s.allOutbound().release();
        s.route.writer = new InetSocketAddress("127.0.0.1", 3307);
        first.die();
        s.query("INSERT INTO t VALUES (1)");
        Node second = s.lastNode();
        assertEquals(3307, second.address.getPort(), "the statement waits for the node the topology names now");
        second.acceptLogin(ServerStatus.AUTOCOMMIT);
        ErrPacket err = s.error();
        assertEquals(ClientSession.TRANSACTION_LOST, err.errorCode());
        assertEquals("40001", err.sqlState(), "frameworks retry a transaction on 40001");
        assertTrue(second.sentNothing(), "the statement of the lost transaction was not sent anywhere");
        s.query("INSERT INTO t VALUES (1)");
        assertEquals("INSERT INTO t VALUES (1)", second.query());
    }

    @Test
    void aClientLoggingInWhileNoNodeIsNamedWaitsForOneThenGets9001AfterTheHoldTimeout() {
        s.route.writer = null;
        s.login(SessionHarness.USER, SessionHarness.PASSWORD);
        s.advance(SessionHarness.HOLD_TIMEOUT_MS - 1);
        assertTrue(s.client.outboundMessages().isEmpty(), "nothing before the hold timeout");
        s.advance(1);
        ErrPacket err = s.error();
        assertEquals(ErrPacket.BACKEND_UNAVAILABLE, err.errorCode());
        assertEquals("mysqlha gateway: no writer for cluster test within 2000 ms", err.message());
        assertFalse(s.client.isActive());
    }

    @Test
    void aClientLoggingInDuringAFailoverIsLetInOnceTheTopologyNamesTheNewNode() {
        s.refuseConnects(s.route.writer);
        s.login(SessionHarness.USER, SessionHarness.PASSWORD);
        assertTrue(s.nodes.isEmpty());
        s.route.writer = new InetSocketAddress("127.0.0.1", 3307);
        s.routesChanged();
        s.lastNode().acceptLogin(ServerStatus.AUTOCOMMIT);
        assertEquals(OkPacket.MARKER, Frames.firstByte(s.outbound()));
    }

    @Test
    void comQuitClosesTheClientAndSaysComQuitToTheNode() {
        Node node = s.loggedIn();
        s.send(0, b -> b.writeByte(Command.QUIT));
        s.client.runPendingTasks();
        assertFalse(s.client.isActive());
        ByteBuf quit = node.command();
        assertEquals(Command.QUIT, Frames.firstByte(quit));
        quit.release();
    }
}
