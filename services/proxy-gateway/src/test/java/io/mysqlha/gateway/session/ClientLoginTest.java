package io.mysqlha.gateway.session;

import io.mysqlha.protocol.AuthSwitchRequestPacket;
import io.mysqlha.protocol.CachingSha2Password;
import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.HandshakeResponse41Packet;
import io.mysqlha.protocol.NativePassword;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientLoginTest {
    private static final byte[] SCRAMBLE = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
    private static final AppUsers USERS = AppUsers.parse("app:secret\n", "test");
    /** A MariaDB cluster's greeting: no zstd. */
    private static final int OFFERED = Capabilities.GATEWAY | Capabilities.COMPRESS;
    private static final int CAPS = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION
            | Capabilities.PLUGIN_AUTH | Capabilities.CONNECT_WITH_DB;

    private static ByteBuf frame(int seq, java.util.function.Consumer<ByteBuf> payload) {
        ByteBuf p = Unpooled.buffer();
        payload.accept(p);
        ByteBuf f = Unpooled.buffer();
        f.writeMediumLE(p.readableBytes()).writeByte(seq).writeBytes(p);
        return f;
    }

    private static ByteBuf response(String user, byte[] proof, String plugin) {
        return frame(1, new HandshakeResponse41Packet(CAPS, 1 << 24, 45, 0, user, proof, "app", plugin, Map.of())::encode);
    }

    private static byte[] proof(String password) {
        return NativePassword.respond(password.getBytes(StandardCharsets.UTF_8), SCRAMBLE);
    }

    @Test
    void theRightPasswordAuthenticatesAndRevealsWhatTheBackendLoginNeeds() {
        ClientLogin login = new ClientLogin(SCRAMBLE, USERS, "10.0.0.1", NativePassword.PLUGIN, OFFERED, false);
        var a = assertInstanceOf(ClientLogin.Authenticated.class,
                login.onFrame(response("app", proof("secret"), NativePassword.PLUGIN)));
        assertEquals("app", a.handshake().username());
        assertEquals("app", a.handshake().database());
        assertEquals(2, a.nextSeq(), "the OK goes out as packet 2");
        assertArrayEquals(NativePassword.storedHash("secret".getBytes(StandardCharsets.UTF_8)), a.user().nativeHash());
        assertEquals(CAPS & Capabilities.GATEWAY, a.capabilities());
    }

    @Test
    void aWrongPasswordOrUnknownUserGetsMysqlsOwn1045() {
        var wrong = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, USERS, "10.0.0.1", NativePassword.PLUGIN, OFFERED, false)
                .onFrame(response("app", proof("nope"), NativePassword.PLUGIN)));
        assertEquals(ErrPacket.ER_ACCESS_DENIED_ERROR, wrong.code());
        assertEquals("Access denied for user 'app'@'10.0.0.1' (using password: YES)", wrong.message());
        assertTrue(wrong.denied());
        var unknown = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, USERS, "10.0.0.1", NativePassword.PLUGIN, OFFERED, false)
                .onFrame(response("eve", new byte[0], NativePassword.PLUGIN)));
        assertEquals("Access denied for user 'eve'@'10.0.0.1' (using password: NO)", unknown.message());
    }

    private static AppUsers.Lookup account(String user, String password, boolean locked) {
        AppUsers.User u = new AppUsers.User(NativePassword.storedHash(password.getBytes(StandardCharsets.UTF_8)), null,
                locked);
        return (name, host) -> name.equals(user) ? java.util.Optional.of(u) : java.util.Optional.empty();
    }

    @Test
    void aLockedAccountIsRefusedWithItsServersErrorOnceThePasswordIsProved() {
        var maria = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, account("bob", "pw", true),
                "10.0.0.1", NativePassword.PLUGIN, OFFERED, false, true).onFrame(response("bob", proof("pw"),
                NativePassword.PLUGIN)));
        assertEquals(4151, maria.code());
        assertEquals("Access denied, this account is locked", maria.message());
        assertEquals(2, maria.seq());
        var mysql = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, account("bob", "pw", true),
                "10.0.0.1", NativePassword.PLUGIN, OFFERED, false, false).onFrame(response("bob", proof("pw"),
                NativePassword.PLUGIN)));
        assertEquals(3118, mysql.code());
        assertEquals("Access denied for user 'bob'@'10.0.0.1'. Account is locked.", mysql.message());
        var wrong = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, account("bob", "pw", true),
                "10.0.0.1", NativePassword.PLUGIN, OFFERED, false, true).onFrame(response("bob", proof("guess"),
                NativePassword.PLUGIN)));
        assertEquals(ErrPacket.ER_ACCESS_DENIED_ERROR, wrong.code(), "a wrong password does not learn of the lock");
    }

    @Test
    void aLoginRefusedAsUnknownIsCheckedAgainOnceTheUsersWereReadAgain() {
        ClientLogin login = new ClientLogin(SCRAMBLE, (u, h) -> java.util.Optional.empty(), "10.0.0.1",
                NativePassword.PLUGIN, OFFERED, false, true);
        var refused = assertInstanceOf(ClientLogin.Refuse.class, login.onFrame(response("new_user", proof("pw"),
                NativePassword.PLUGIN)));
        assertTrue(refused.denied());
        var a = assertInstanceOf(ClientLogin.Authenticated.class, login.retry(account("new_user", "pw", false)));
        assertEquals(2, a.nextSeq());
        ClientLogin still = new ClientLogin(SCRAMBLE, (u, h) -> java.util.Optional.empty(), "10.0.0.1",
                NativePassword.PLUGIN, OFFERED, false, true);
        still.onFrame(response("new_user", proof("pw"), NativePassword.PLUGIN));
        var again = assertInstanceOf(ClientLogin.Refuse.class, still.retry(account("other", "pw", false)));
        assertEquals("Access denied for user 'new_user'@'10.0.0.1' (using password: YES)", again.message());
    }

    @Test
    void cachingSha2PasswordIsCheckedWhenTheGatewayHasThePasswordAndTakesTheFastPath() {
        byte[] answer = CachingSha2Password.scramble("secret".getBytes(StandardCharsets.UTF_8), SCRAMBLE);
        var a = assertInstanceOf(ClientLogin.Authenticated.class, new ClientLogin(SCRAMBLE, USERS, "h", CachingSha2Password.PLUGIN, OFFERED, false).onFrame(response("app", answer, CachingSha2Password.PLUGIN)));
        assertEquals(2, a.fastAuthSeq(), "AuthMoreData 0x03 goes out as packet 2");
        assertEquals(3, a.nextSeq(), "then the OK");
        assertArrayEquals(NativePassword.respond("secret".getBytes(StandardCharsets.UTF_8), SCRAMBLE),
                NativePassword.respondWithStage1(a.stage1(), SCRAMBLE, a.user().nativeHash()),
                "what native backends need is known too");
        var wrong = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, USERS, "h", CachingSha2Password.PLUGIN, OFFERED, false).onFrame(response("app", CachingSha2Password.scramble(
                "nope".getBytes(StandardCharsets.UTF_8), SCRAMBLE), CachingSha2Password.PLUGIN)));
        assertEquals(ErrPacket.ER_ACCESS_DENIED_ERROR, wrong.code());
    }

    @Test
    void aUserKnownByItsNativeHashOnlyIsSwitchedToNativePassword() {
        AppUsers hashOnly = AppUsers.parse("app:*" + java.util.HexFormat.of().withUpperCase().formatHex(
                NativePassword.storedHash("secret".getBytes(StandardCharsets.UTF_8))) + "\n", "test");
        ClientLogin login = new ClientLogin(SCRAMBLE, hashOnly, "h", CachingSha2Password.PLUGIN, OFFERED, false);
        var reply = assertInstanceOf(ClientLogin.Reply.class,
                login.onFrame(response("app", new byte[32], CachingSha2Password.PLUGIN)));
        ByteBuf sent = Unpooled.buffer();
        reply.packet().accept(sent);
        assertEquals(NativePassword.PLUGIN, AuthSwitchRequestPacket.decode(sent).pluginName());
        var a = assertInstanceOf(ClientLogin.Authenticated.class,
                login.onFrame(frame(3, b -> b.writeBytes(proof("secret")))));
        assertEquals(-1, a.fastAuthSeq());
    }

    @Test
    void anotherPluginIsSwitchedToTheGreetingsWhenTheGatewayCanCheckIt() {
        ClientLogin sha2 = new ClientLogin(SCRAMBLE, USERS, "h", CachingSha2Password.PLUGIN, OFFERED, false);
        ByteBuf switched = Unpooled.buffer();
        assertInstanceOf(ClientLogin.Reply.class, sha2.onFrame(response("app", new byte[32], "sha256_password")))
                .packet().accept(switched);
        assertEquals(CachingSha2Password.PLUGIN, AuthSwitchRequestPacket.decode(switched).pluginName());
    }

    @Test
    void aClientAnsweringInAnotherPluginThanTheGreetingsIsSwitchedAsTheServerWould() {
        // MariaDB greets with mysql_native_password and switches a caching_sha2_password answer to it (MySQL 9's
        // own client, which lacks that plugin, then says so itself, as it does directly)
        ClientLogin login = new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED, false);
        ByteBuf sent = Unpooled.buffer();
        assertInstanceOf(ClientLogin.Reply.class, login.onFrame(response("app", new byte[0],
                CachingSha2Password.PLUGIN))).packet().accept(sent);
        assertEquals(NativePassword.PLUGIN, AuthSwitchRequestPacket.decode(sent).pluginName());
        // MySQL 9 greets with caching_sha2_password and switches a mysql_native_password answer to it
        ClientLogin sha2 = new ClientLogin(SCRAMBLE, USERS, "h", CachingSha2Password.PLUGIN, OFFERED, false);
        ByteBuf again = Unpooled.buffer();
        assertInstanceOf(ClientLogin.Reply.class, sha2.onFrame(response("app", proof("secret"),
                NativePassword.PLUGIN))).packet().accept(again);
        assertEquals(CachingSha2Password.PLUGIN, AuthSwitchRequestPacket.decode(again).pluginName());
        var a = assertInstanceOf(ClientLogin.Authenticated.class, sha2.onFrame(frame(3, b -> b.writeBytes(
                CachingSha2Password.scramble("secret".getBytes(StandardCharsets.UTF_8), SCRAMBLE)))));
        assertEquals(4, a.fastAuthSeq());
        assertEquals(5, a.nextSeq());
    }

    @Test
    void anotherPluginIsSwitchedToNativePassword() {
        ClientLogin login = new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED, false);
        var reply = assertInstanceOf(ClientLogin.Reply.class,
                login.onFrame(response("app", new byte[32], "sha256_password")));
        assertEquals(2, reply.seq());
        ByteBuf sent = Unpooled.buffer();
        reply.packet().accept(sent);
        assertEquals(AuthSwitchRequestPacket.MARKER, sent.getUnsignedByte(0));
        byte[] answer = proof("secret");
        var a = assertInstanceOf(ClientLogin.Authenticated.class, login.onFrame(frame(3, b -> b.writeBytes(answer))));
        assertEquals(4, a.nextSeq());
    }

    /** An account as a MySQL server stores it: caching_sha2_password's SHA-256-crypt of {@code password}. */
    private static AppUsers.Lookup cryptAccount(String user, String password) {
        byte[] salt = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        var crypt = CachingSha2Password.StoredCrypt.parse(("$A$005$" + new String(salt, StandardCharsets.US_ASCII)
                + CachingSha2Password.sha256Crypt(password.getBytes(StandardCharsets.UTF_8), salt, 5000))
                .getBytes(StandardCharsets.ISO_8859_1));
        AppUsers.User u = new AppUsers.User(null, null, false, crypt);
        return (name, host) -> name.equals(user) ? java.util.Optional.of(u) : java.util.Optional.empty();
    }

    private static byte[] sent(ClientLogin.Reply reply) {
        ByteBuf b = Unpooled.buffer();
        reply.packet().accept(b);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }

    @Test
    void anAccountReadFromMysqlIsCheckedByFullAuthenticationWithTheGatewaysRsaKeyInClear() {
        ClientLogin login = new ClientLogin(SCRAMBLE, cryptAccount("sha", "pw"), "h", CachingSha2Password.PLUGIN,
                OFFERED, false, false);
        byte[] fast = CachingSha2Password.scramble("pw".getBytes(StandardCharsets.UTF_8), SCRAMBLE);
        var full = assertInstanceOf(ClientLogin.Reply.class, login.onFrame(response("sha", fast,
                CachingSha2Password.PLUGIN)));
        assertEquals(2, full.seq());
        assertArrayEquals(new byte[] {0x01, CachingSha2Password.PERFORM_FULL_AUTHENTICATION}, sent(full));
        var key = assertInstanceOf(ClientLogin.Reply.class, login.onFrame(frame(3, b -> b.writeByte(
                CachingSha2Password.REQUEST_PUBLIC_KEY))));
        assertEquals(4, key.seq());
        byte[] pem = java.util.Arrays.copyOfRange(sent(key), 1, sent(key).length);
        byte[] encrypted = CachingSha2Password.encryptPassword("pw".getBytes(StandardCharsets.UTF_8), SCRAMBLE,
                CachingSha2Password.publicKey(pem));
        var a = assertInstanceOf(ClientLogin.Authenticated.class, login.onFrame(frame(5, b -> b.writeBytes(encrypted))));
        assertEquals(6, a.nextSeq());
        assertEquals(-1, a.fastAuthSeq(), "the OK follows full authentication directly");
        assertEquals("pw", a.user().password().reveal(), "what the backend login needs");
    }

    @Test
    void aWrongPasswordInFullAuthenticationIsRefused() {
        ClientLogin login = new ClientLogin(SCRAMBLE, cryptAccount("sha", "pw"), "h", CachingSha2Password.PLUGIN,
                OFFERED, false, false);
        login.onFrame(response("sha", new byte[32], CachingSha2Password.PLUGIN));
        login.onFrame(frame(3, b -> b.writeByte(CachingSha2Password.REQUEST_PUBLIC_KEY)));
        byte[] pem = GatewayRsaKey.pem();
        byte[] encrypted = CachingSha2Password.encryptPassword("guess".getBytes(StandardCharsets.UTF_8), SCRAMBLE,
                CachingSha2Password.publicKey(pem));
        var refused = assertInstanceOf(ClientLogin.Refuse.class, login.onFrame(frame(5, b -> b.writeBytes(encrypted))));
        assertEquals(ErrPacket.ER_ACCESS_DENIED_ERROR, refused.code());
        assertEquals(6, refused.seq());
        var garbage = new ClientLogin(SCRAMBLE, cryptAccount("sha", "pw"), "h", CachingSha2Password.PLUGIN, OFFERED,
                false, false);
        garbage.onFrame(response("sha", new byte[32], CachingSha2Password.PLUGIN));
        assertEquals(ErrPacket.ER_ACCESS_DENIED_ERROR, assertInstanceOf(ClientLogin.Refuse.class,
                garbage.onFrame(frame(3, b -> b.writeZero(256)))).code(), "an answer that does not decrypt");
    }

    @Test
    void zlibCompressionIsTakenAndZstdAloneIsRefusedByName() {
        assertInstanceOf(ClientLogin.Authenticated.class, new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED, false).onFrame(
                frame(1, new HandshakeResponse41Packet(CAPS | Capabilities.COMPRESS, 1 << 24, 45, 0, "app",
                        proof("secret"), "app", NativePassword.PLUGIN, Map.of())::encode)));
        // both flags: zlib is used (MySQL docs, "Compression")
        assertInstanceOf(ClientLogin.Authenticated.class, new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED, false).onFrame(
                frame(1, new HandshakeResponse41Packet(CAPS | Capabilities.COMPRESS | Capabilities.ZSTD_COMPRESSION,
                        1 << 24, 45, 0, "app", proof("secret"), "app", NativePassword.PLUGIN, Map.of())::encode)));
        var refused = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED, false).onFrame(
                frame(1, new HandshakeResponse41Packet(CAPS | Capabilities.ZSTD_COMPRESSION,
                        1 << 24, 45, 0, "app", proof("secret"), "app", NativePassword.PLUGIN, Map.of())::encode)));
        assertEquals(ErrPacket.ER_HANDSHAKE_ERROR, refused.code());
        assertEquals("Bad handshake: the client asked for CLIENT_ZSTD_COMPRESSION_ALGORITHM, which the mysqlha"
                + " gateway did not offer; connect with zlib compression (--compression-algorithms=zlib) or without",
                refused.message());
        assertEquals(2, refused.seq());
        // where zstd is offered (MySQL clusters), it is taken
        assertInstanceOf(ClientLogin.Authenticated.class, new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN,
                OFFERED | Capabilities.ZSTD_COMPRESSION, false).onFrame(frame(1, new HandshakeResponse41Packet(
                CAPS | Capabilities.ZSTD_COMPRESSION, 1 << 24, 45, 0, "app", proof("secret"), "app",
                NativePassword.PLUGIN, Map.of())::encode)));
    }

    @Test
    void tlsAndPacketsOutOfOrderAreRefusedWithTheReason() {
        var tls = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED, false).onFrame(
                frame(1, b -> b.writeIntLE(CAPS | Capabilities.SSL).writeIntLE(1 << 24).writeByte(45).writeZero(23))));
        assertTrue(tls.message().contains("does not offer TLS"), tls.message());
        var order = assertInstanceOf(ClientLogin.Refuse.class, new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED, false)
                .onFrame(frame(5, b -> b.writeZero(40))));
        assertEquals(ErrPacket.ER_NET_PACKETS_OUT_OF_ORDER, order.code());
        assertEquals(6, order.seq());
    }

    @Test
    void anSslRequestStartsTlsWhereOfferedAndTheLoginFollowsAsPacketTwo() {
        ClientLogin login = new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED | Capabilities.SSL,
                true);
        assertInstanceOf(ClientLogin.StartTls.class, login.onFrame(
                frame(1, b -> b.writeIntLE(CAPS | Capabilities.SSL).writeIntLE(1 << 24).writeByte(45).writeZero(23))));
        var a = assertInstanceOf(ClientLogin.Authenticated.class, login.onFrame(frame(2, new HandshakeResponse41Packet(
                CAPS | Capabilities.SSL, 1 << 24, 45, 0, "app", proof("secret"), "app", NativePassword.PLUGIN,
                Map.of())::encode)));
        assertEquals(3, a.nextSeq(), "the OK goes out as packet 3");
        assertEquals(0, a.capabilities() & Capabilities.SSL, "TLS is the client's hop alone");
    }

    @Test
    void aLoginInClearWhereTlsIsRequiredGetsMysqls3159() {
        ClientLogin login = new ClientLogin(SCRAMBLE, USERS, "h", NativePassword.PLUGIN, OFFERED | Capabilities.SSL,
                true);
        var refused = assertInstanceOf(ClientLogin.Refuse.class, login.onFrame(response("app", proof("secret"),
                NativePassword.PLUGIN)));
        assertEquals(3159, refused.code());
        assertEquals("HY000", refused.sqlState());
        assertEquals(2, refused.seq());
        assertEquals("Connections using insecure transport are prohibited while --require_secure_transport=ON.",
                refused.message());
    }
}
