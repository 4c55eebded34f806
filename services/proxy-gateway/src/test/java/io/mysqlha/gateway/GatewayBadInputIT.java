package io.mysqlha.gateway;

import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What no driver sends: garbage, truncated and oversized packets, wrong sequence ids, clients that never finish
 * the handshake, 2,000 connections at once. Each gets MySQL's error or a clean close, a session already working
 * is not disturbed, and afterwards no buffer is left unreleased (Netty's paranoid leak detector watches every one)
 * and no file descriptor is left open.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayBadInputIT {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final Logger LEAK_LOGGER = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private static final Handler LEAK_HANDLER = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getMessage() != null && r.getMessage().contains("LEAK")) {
                LEAKS.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
        LEAK_LOGGER.addHandler(LEAK_HANDLER);
    }

    @AfterAll
    static void noLeaks() throws Exception {
        // leaks are reported when a lost buffer is collected and the next ones are allocated
        for (int i = 0; i < 5; i++) {
            System.gc();
            try (Connection c = GatewayClientsIT.mariadb("")) {
                io.mysqlha.testsupport.servers.Sql.value(c, "SELECT REPEAT('x', 100000)");
            }
        }
        LEAK_LOGGER.removeHandler(LEAK_HANDLER);
        assertEquals(List.of(), LEAKS, "ByteBufs the gateway never released");
    }

    @Test
    void shouldAnswerGarbageWithMysqlErrorsAndClose() throws Exception {
        try (Connection working = GatewayClientsIT.mariadb("")) {
            Random random = new Random(7);
            byte[] noise = new byte[300];
            random.nextBytes(noise);
            noise[2] = 0x7f; // claims 8 MiB: refused at its header
            try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
                assertNotNull(c.frame(), "greeting");
                c.send(noise);
                byte[] answer = c.frame();
                assertEquals(1153, RawClient.errorCode(answer), RawClient.errorMessage(answer));
                assertTrue(c.closedWithin(5_000));
            }
            try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
                c.frame();
                byte[] garbage = new byte[40];
                random.nextBytes(garbage);
                c.sendFrame(1, garbage); // framed right, meaningless inside
                byte[] answer = c.frame();
                assertEquals(1043, RawClient.errorCode(answer), RawClient.errorMessage(answer));
                assertTrue(c.closedWithin(5_000));
            }
            try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
                c.frame();
                c.sendFrame(5, new byte[40]); // wrong sequence id
                byte[] answer = c.frame();
                assertEquals(1156, RawClient.errorCode(answer), RawClient.errorMessage(answer));
                assertTrue(c.closedWithin(5_000));
            }
            try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
                c.frame();
                byte[] big = new byte[4 + 1024];
                big[0] = (byte) 0xff; big[1] = (byte) 0xff; big[2] = (byte) 0xff; big[3] = 1; // a 16 MiB+ packet
                c.send(big);
                assertEquals(1153, RawClient.errorCode(c.frame()));
                assertTrue(c.closedWithin(5_000));
            }
            assertEquals("1", io.mysqlha.testsupport.servers.Sql.value(working, "SELECT 1").orElseThrow(),
                    "a working session is not disturbed");
        }
    }

    @Test
    void shouldAnswerACompressedPacketThatDoesNotInflateWith1157AndClose() throws Exception {
        try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
            assertEquals(0, c.login("app", "app", io.mysqlha.protocol.Capabilities.COMPRESS)[1], "an uncompressed OK");
            c.sendCompressed(0, new byte[] {1, 0, 0, 0, 0x0e}, 0); // COM_PING, as it is
            byte[] ok = c.compressedPacket();
            assertEquals(1, ok[0], "the compressed sequence id after the client's");
            assertEquals(0, ok[5], "OK in a frame of sequence id 1: " + java.util.Arrays.toString(ok));
            c.sendCompressed(0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 100); // not zlib
            byte[] answer = c.compressedPacket();
            byte[] err = java.util.Arrays.copyOfRange(answer, 4, answer.length); // the frame's sequence id, payload
            assertEquals(1157, RawClient.errorCode(err), RawClient.errorMessage(err));
            assertEquals("Couldn't uncompress communication packet", RawClient.errorMessage(err));
            assertTrue(c.closedWithin(5_000));
        }
    }

    @Test
    void shouldEndHandshakesThatNeverFinish() throws Exception {
        try (RawClient silent = new RawClient(GatewayTestInfra.rwPort);
             RawClient truncated = new RawClient(GatewayTestInfra.rwPort)) {
            silent.frame();
            truncated.frame();
            truncated.send(new byte[] {100, 0, 0, 1, 1, 2, 3}); // announces 100 bytes, sends 3
            for (RawClient c : List.of(silent, truncated)) {
                byte[] answer = c.frame();
                assertEquals(1043, RawClient.errorCode(answer), RawClient.errorMessage(answer));
                assertTrue(RawClient.errorMessage(answer).contains("not completed within"));
                assertTrue(c.closedWithin(5_000));
            }
        }
    }

    @Test
    void shouldRefuseOutOfOrderCommandsAndAnswerUnknownOnesWithoutDroppingTheConnection() throws Exception {
        try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
            assertEquals(0, c.login("app", "app")[1], "OK");
            c.sendFrame(0, new byte[] {(byte) 0x99});
            assertEquals(1047, RawClient.errorCode(c.frame()), "unknown command");
            c.sendFrame(0, new byte[] {0x0e}); // COM_PING: still connected
            assertEquals(0, c.frame()[1]);
            c.sendFrame(3, "\u0003SELECT 1".getBytes());
            assertEquals(1156, RawClient.errorCode(c.frame()));
            assertTrue(c.closedWithin(5_000));
        }
    }

    @Test
    void shouldRefuseAUserWhosePluginTheGatewayCannotSpeakNamingTheNodeAndWhatToChange() throws Exception {
        // ed25519 on the MariaDB primary only (its plugin and the user kept out of the binlog): the client logs in to
        // the gateway with the password the users secret gives, the node then asks the gateway for client_ed25519
        ReplicationTopology t = SharedInfra.replicationTopology();
        String user = GatewayTestInfra.ED25519;
        try (Connection c = t.primary().connect(t.users().admin())) {
            Sql.execute(c, "SET SESSION sql_log_bin=0");
            if (Sql.value(c, "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'")
                    .orElse("0").equals("0")) {
                Sql.execute(c, "INSTALL SONAME 'auth_ed25519'");
            }
            Sql.execute(c, "CREATE USER IF NOT EXISTS '" + user + "'@'127.0.0.1' IDENTIFIED VIA ed25519 USING"
                    + " PASSWORD('" + user + "')");
        }
        try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
            byte[] answer = c.login(user, user);
            String message = RawClient.errorMessage(answer);
            System.out.println("a plugin the gateway cannot speak: " + RawClient.errorCode(answer) + " " + message);
            assertEquals(ErrPacket.BACKEND_UNAVAILABLE, RawClient.errorCode(answer));
            assertTrue(message.contains(t.primary().port() + ": user " + user + " authenticates with client_ed25519"
                    + " on this node") && message.contains("IDENTIFIED WITH"), message);
        }
        try (RawClient c = new RawClient(GatewayTestInfra.rwPort)) {
            assertEquals(0, c.login("app", "app")[1], "the next login is not affected");
        }
    }

    @Test
    void shouldAnswerAClientThatHalfClosesAfterItsQueryAsTheServerDoes() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        List<String> direct = halfClosed(t.primary().port());
        System.out.println("half-closed after a query, directly: " + direct);
        assertTrue(direct.size() >= 4 && direct.getLast().startsWith("fe"), "rows then EOF, then the close: " + direct);
        assertEquals(direct, halfClosed(GatewayTestInfra.rwPort), "through the pass-through listener");
        assertEquals(direct, halfClosed(GatewayTestInfra.splitPort), "through the splitting listener");
    }

    /** Logs in, sends a query, shuts down its sending side: every frame that comes back until the close, in hex. */
    private static List<String> halfClosed(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            assertEquals(0, c.login("app", "app")[1], "OK");
            c.sendFrame(0, "\u0003SELECT 'answered after a half-close' AS a, SLEEP(0.2) AS s".getBytes());
            c.socket.shutdownOutput();
            List<String> frames = new ArrayList<>();
            for (byte[] f = c.frame(); f != null; f = c.frame()) {
                frames.add(java.util.HexFormat.of().formatHex(f, 1, f.length));
            }
            return frames;
        }
    }

    @Test
    void shouldTakeTwoThousandConnectionsAtOnceAndLeaveNothingOpen() throws Exception {
        long fdsBefore = openFileDescriptors();
        int greeted = 0;
        int refused = 0;
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) {
                clients.add(new RawClient(GatewayTestInfra.rwPort));
            }
            for (RawClient c : clients) {
                byte[] first = c.frame();
                if (first != null && first[1] == 10) {
                    greeted++;
                } else if (first != null && RawClient.errorCode(first) == 1040) {
                    refused++;
                }
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
        assertEquals(2_000, greeted + refused, "each got a greeting or MySQL's 1040");
        assertEquals(GatewayTestInfra.MAX_CONNECTIONS, greeted);
        Waits.until("open connections back to 0", Duration.ofSeconds(30), () -> given().get("/q/metrics").asString()
                .contains("mysqlha_gateway_client_connections{cluster=\"" + GatewayTestInfra.CLUSTER
                        + "\",listener=\"rw\"} 0.0"));
        Waits.until("file descriptors back to where they were", Duration.ofSeconds(30),
                () -> openFileDescriptors() <= fdsBefore + 10);
    }

    private static long openFileDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
