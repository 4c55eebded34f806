package io.mysqlha.gateway.session;

import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.gateway.session.SessionHarness.Client;
import io.mysqlha.gateway.session.SessionHarness.Node;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.ServerStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    /** A second client logged in from the pool: no backend login of its own. */
    private Client second() {
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        b.loginOk();
        return b;
    }

    @Test
    void twoSessionsTakingTurnsShareOneBackendConnection() {
        pool(10, 1_000);
        Client a = s.newClient();
        a.login(SessionHarness.USER, SessionHarness.PASSWORD);
        Node node = s.lastNode();
        node.acceptLogin(AUTOCOMMIT);
        a.loginOk();
        Client b = second();
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
    void aSessionsCarriedStateNeverReachesAnotherSession() {
        pool(10, 1_000);
        Node first = s.loggedIn();
        s.query("SET time_zone = '+01:00'");
        assertEquals("SET time_zone = '+01:00'", first.query());
        first.ok(AUTOCOMMIT);
        s.allOutbound().release();
        // the first session's connection is free, with its time zone: a session without it gets another
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD);
        Node second = s.lastNode();
        assertTrue(first != second, "a connection with another session's time zone is not lent");
        second.acceptLogin(AUTOCOMMIT);
        b.loginOk();
        b.query("SELECT NOW()");
        assertEquals("SELECT NOW()", second.query());
        second.ok(AUTOCOMMIT);
        b.allOutbound().release();
        // the first session takes its own back, time zone and all
        s.query("SELECT NOW()");
        assertEquals("SELECT NOW()", first.query());
    }

    @Test
    void aFreeConnectionIsGivenTheSessionsSchemaBeforeItsStatement() {
        pool(10, 1_000);
        Node node = s.loggedIn();
        Client b = s.newClient();
        b.login(SessionHarness.USER, SessionHarness.PASSWORD, "shop");
        assertEquals("USE `shop`", node.query(), "the free connection is brought to the new session's schema");
        node.ok(AUTOCOMMIT);
        b.loginOk();
        b.query("SELECT 1");
        assertEquals("SELECT 1", node.query());
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
        b.loginOk();
        b.query("SELECT 1");
        assertEquals("SELECT 1", node.query());
    }

    @Test
    void aQueueTimeoutIsAClearErrorAndTheSessionStaysUsable() {
        pool(1, 3_000);
        Node node = s.loggedIn();
        Client b = second();
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
