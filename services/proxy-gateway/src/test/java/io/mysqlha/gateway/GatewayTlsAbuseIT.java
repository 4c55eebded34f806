package io.mysqlha.gateway;

import io.mysqlha.testsupport.Waits;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's abuse cases with TLS on behave as in clear: garbage where a TLS handshake should be, a client that
 * asks for TLS and goes silent, malformed packets inside TLS, and a flood of connections negotiating TLS at once;
 * each ends its own connection only, within the handshake timeout, and leaves nothing open.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayTlsAbuseIT {

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    private static Connection overTls() throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + GatewayTestInfra.tlsPort
                + "/app?user=app&password=app&sslMode=trust");
    }

    @Test
    void garbageWhereTheTlsHandshakeShouldBeOrSilenceEndsThatConnectionAlone() throws Exception {
        try (Connection working = overTls()) {
            byte[] noise = new byte[300];
            new Random(11).nextBytes(noise);
            try (RawClient garbage = new RawClient(GatewayTestInfra.tlsPort);
                 RawClient silent = new RawClient(GatewayTestInfra.tlsPort)) {
                assertNotNull(garbage.frame(), "greeting");
                assertNotNull(silent.frame(), "greeting");
                garbage.sendSslRequest();
                garbage.send(noise); // not a TLS ClientHello
                silent.sendSslRequest(); // and never a ClientHello
                assertTrue(garbage.closedWithin(5_000), "garbage instead of a TLS handshake: closed");
                assertTrue(silent.closedWithin(5_000), "a TLS handshake that never starts: closed by the handshake"
                        + " timeout");
            }
            assertEquals("1", io.mysqlha.testsupport.servers.Sql.value(working, "SELECT 1").orElseThrow(),
                    "a working TLS session is not disturbed");
        }
    }

    @Test
    void malformedPacketsInsideTlsGetTheSameErrorsAsInClear() throws Exception {
        try (RawClient c = new RawClient(GatewayTestInfra.tlsPort)) {
            c.frame();
            c.startTls();
            byte[] garbage = new byte[40];
            new Random(13).nextBytes(garbage);
            c.sendFrame(2, garbage); // framed right, meaningless inside
            byte[] answer = c.frame();
            assertEquals(1043, RawClient.errorCode(answer), RawClient.errorMessage(answer));
            assertTrue(c.closedWithin(5_000));
        }
        try (RawClient c = new RawClient(GatewayTestInfra.tlsPort)) {
            c.frame();
            c.startTls();
            c.sendFrame(7, new byte[40]); // wrong sequence id
            byte[] answer = c.frame();
            assertEquals(1156, RawClient.errorCode(answer), RawClient.errorMessage(answer));
            assertTrue(c.closedWithin(5_000));
        }
        try (RawClient c = new RawClient(GatewayTestInfra.tlsPort)) {
            c.frame();
            c.startTls();
            byte[] big = new byte[4 + 1024];
            big[0] = (byte) 0xff;
            big[1] = (byte) 0xff;
            big[2] = (byte) 0xff;
            big[3] = 2; // a 16 MiB+ login packet
            c.send(big);
            assertEquals(1153, RawClient.errorCode(c.frame()));
            assertTrue(c.closedWithin(5_000));
        }
    }

    @Test
    void aFloodOfConnectionsNegotiatingTlsAtOnceLeavesNothingOpen() throws Exception {
        long fdsBefore = openFileDescriptors();
        int clients = 300;
        AtomicInteger greeted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger negotiated = new AtomicInteger();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                all.add(pool.submit(() -> {
                    try (RawClient c = new RawClient(GatewayTestInfra.tlsPort)) {
                        byte[] first = c.frame();
                        if (first != null && RawClient.errorCode(first) == 1040) {
                            refused.incrementAndGet();
                            return null;
                        }
                        if (first != null && first[1] == 10) {
                            greeted.incrementAndGet();
                            c.startTls();
                            negotiated.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof IOException)) { // a connection cut mid-handshake by the flood
                        throw e;
                    }
                }
            }
        }
        System.out.printf("TLS flood of %d: %d greeted (%d negotiated TLS), %d refused with 1040; fds %d before%n",
                clients, greeted.get(), negotiated.get(), refused.get(), fdsBefore);
        assertEquals(clients, greeted.get() + refused.get(), "each got a greeting or MySQL's 1040");
        assertTrue(negotiated.get() > 0, "TLS was negotiated under the flood");
        Waits.until("open TLS connections back to 0", Duration.ofSeconds(30), () -> given().get("/q/metrics")
                .asString().contains("mysqlha_gateway_client_connections{cluster=\"" + GatewayTestInfra.CLUSTER
                        + "\",listener=\"tls\"} 0.0"));
        try {
            Waits.until("file descriptors back to where they were (" + fdsBefore + ")", Duration.ofSeconds(30),
                    () -> openFileDescriptors() <= fdsBefore + 10);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; open now: " + describeFds(), e);
        }
        try (Connection c = overTls()) {
            assertEquals("1", io.mysqlha.testsupport.servers.Sql.value(c, "SELECT 1").orElseThrow());
        }
    }

    /** The open descriptors by kind (socket, pipe, anon_inode, file), for a failure's message. */
    private static java.util.Map<String, Long> describeFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    return target.startsWith("/") ? "file" : target.replaceAll("[:\\[].*", "");
                } catch (IOException e) {
                    return "gone";
                }
            }).collect(java.util.stream.Collectors.groupingBy(k -> k, java.util.TreeMap::new,
                    java.util.stream.Collectors.counting()));
        }
    }

    private static long openFileDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
