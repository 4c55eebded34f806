package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packet records against bytes captured from MariaDB 10.11 and its clients: decode, and encode back byte for byte. */
class CapturedPacketsTest {

    private static byte[] encoded(java.util.function.Consumer<ByteBuf> encoder) {
        ByteBuf b = Unpooled.buffer();
        encoder.accept(b);
        return Captured.bytes(b);
    }

    @Test
    void shouldReadAndWriteMariaDbsGreetingByteForByte() {
        for (String exchange : new String[] {"cli", "cj", "err"}) {
            Captured.Frame greeting = Captured.from(exchange, "server").getFirst();
            HandshakeV10Packet h = HandshakeV10Packet.decode(greeting.payload());
            assertEquals("5.5.5-10.11.18-MariaDB-0+deb12u1-log", h.serverVersion());
            assertEquals(NativePassword.PLUGIN, h.authPluginName());
            assertEquals(20, h.authPluginData().length);
            assertTrue(Capabilities.has(h.capabilities(), Capabilities.PLUGIN_AUTH | Capabilities.SECURE_CONNECTION));
            assertFalse(Capabilities.has(h.capabilities(), Capabilities.LONG_PASSWORD), "MariaDB: CLIENT_MYSQL clear");
            assertEquals(45, h.characterSet());
            assertArrayEquals(greeting.payloadBytes(), encoded(h::encode), exchange);
        }
    }

    @Test
    void shouldReadClientResponsesAndCheckTheirNativePasswordProof() {
        for (String exchange : new String[] {"cli", "cj"}) {
            HandshakeV10Packet greeting = HandshakeV10Packet.decode(Captured.from(exchange, "server").getFirst().payload());
            Captured.Frame frame = Captured.from(exchange, "client").getFirst();
            HandshakeResponse41Packet r = HandshakeResponse41Packet.decode(frame.payload());
            assertEquals("app", r.username());
            assertEquals(NativePassword.PLUGIN, r.authPluginName());
            assertArrayEquals(NativePassword.respond("app".getBytes(StandardCharsets.UTF_8), greeting.authPluginData()),
                    r.authResponse(), exchange + ": the client's proof is SHA1(pw) ^ SHA1(scramble + SHA1(SHA1(pw)))");
            assertTrue(r.attributes().containsKey("_client_name"), r.attributes().toString());
            assertFalse(r.toString().contains(new String(r.authResponse(), StandardCharsets.ISO_8859_1)));
            assertArrayEquals(frame.payloadBytes(), encoded(r::encode), exchange);

            byte[] hash = NativePassword.storedHash("app".getBytes(StandardCharsets.UTF_8));
            byte[] stage1 = NativePassword.verify(r.authResponse(), greeting.authPluginData(), hash);
            assertArrayEquals(NativePassword.respondWithStage1(stage1, greeting.authPluginData(), hash),
                    r.authResponse(), "a proxy holding only the hash reproduces the proof for another scramble");
        }
    }

    @Test
    void shouldReadTheWrongPasswordAnswerOfMariaDb() {
        HandshakeV10Packet greeting = HandshakeV10Packet.decode(Captured.from("err", "server").getFirst().payload());
        HandshakeResponse41Packet r = HandshakeResponse41Packet.decode(Captured.from("err", "client").getFirst().payload());
        assertEquals(null, NativePassword.verify(r.authResponse(), greeting.authPluginData(),
                NativePassword.storedHash("app".getBytes(StandardCharsets.UTF_8))), "'wrong' is not app's password");
        Captured.Frame errFrame = Captured.from("err", "server").get(1);
        ErrPacket err = ErrPacket.decode(errFrame.payload());
        assertEquals(1045, err.errorCode());
        assertEquals("28000", err.sqlState());
        assertEquals("Access denied for user 'app'@'127.0.0.1' (using password: YES)", err.message());
        assertArrayEquals(errFrame.payloadBytes(), encoded(err::encode));
    }

    @Test
    void shouldReadOkAndEofPackets() {
        Captured.Frame okFrame = Captured.from("cli", "server").get(1);
        int caps = HandshakeResponse41Packet.decode(Captured.from("cli", "client").getFirst().payload()).capabilities();
        OkPacket ok = OkPacket.decode(okFrame.payload(), caps);
        assertEquals(ServerStatus.AUTOCOMMIT, ok.statusFlags());
        assertArrayEquals(okFrame.payloadBytes(), encoded(b -> ok.encode(b, caps)));

        Captured.Frame eofFrame = Captured.from("cli", "server").get(5);
        EofPacket eof = EofPacket.decode(eofFrame.payload());
        assertEquals(ServerStatus.AUTOCOMMIT, eof.statusFlags());
        assertArrayEquals(eofFrame.payloadBytes(), encoded(eof::encode));

        Captured.Frame query = Captured.from("cli", "client").get(1);
        assertEquals("SELECT 1 AS one, 'x' AS two", ComPackets.ComQueryPacket.decode(query.payload()).query());
    }
}
