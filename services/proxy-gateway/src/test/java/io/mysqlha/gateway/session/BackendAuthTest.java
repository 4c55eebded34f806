package io.mysqlha.gateway.session;

import io.mysqlha.domain.Secret;
import io.mysqlha.protocol.CachingSha2Password;
import io.mysqlha.protocol.NativePassword;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendAuthTest {
    private static final byte[] NONCE = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PW = "app".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STAGE1 = sha1(PW);
    private static final byte[] HASH = NativePassword.storedHash(PW);

    private static BackendAuth withPassword() {
        return new BackendAuth("app", STAGE1, HASH, Secret.of("app"));
    }

    private static BackendAuth hashOnly() {
        return new BackendAuth("app", STAGE1, HASH, null);
    }

    @Test
    void answersTheGreetingInItsPluginWhenItCan() {
        BackendAuth.Answer sha2 = withPassword().first(CachingSha2Password.PLUGIN, NONCE);
        assertEquals(CachingSha2Password.PLUGIN, sha2.plugin());
        assertArrayEquals(CachingSha2Password.scramble(PW, NONCE), sha2.data());
        BackendAuth.Answer nat = withPassword().first(NativePassword.PLUGIN, NONCE);
        assertEquals(NativePassword.PLUGIN, nat.plugin());
        assertArrayEquals(NativePassword.respond(PW, NONCE), nat.data());
        // without the password, only the native answer can be made: the node may still accept it
        assertEquals(NativePassword.PLUGIN, hashOnly().first(CachingSha2Password.PLUGIN, NONCE).plugin());
    }

    @Test
    void fullAuthenticationOverTlsSendsThePasswordAsAClientDoesWithoutAskingForTheKey() {
        BackendAuth auth = withPassword();
        auth.first(CachingSha2Password.PLUGIN, NONCE);
        auth.secured();
        BackendAuth.Send full = assertInstanceOf(BackendAuth.Send.class,
                auth.moreData(new byte[] {CachingSha2Password.PERFORM_FULL_AUTHENTICATION}));
        assertArrayEquals(new byte[] {'a', 'p', 'p', 0}, full.data(), "the password, NUL-terminated");
    }

    @Test
    void fastAuthenticationWaitsForTheOkAndFullAuthenticationAsksForTheKeyThenSendsThePasswordEncrypted()
            throws Exception {
        BackendAuth auth = withPassword();
        auth.first(CachingSha2Password.PLUGIN, NONCE);
        assertInstanceOf(BackendAuth.Await.class, auth.moreData(new byte[] {CachingSha2Password.FAST_AUTH_SUCCESS}));
        BackendAuth.Send request = assertInstanceOf(BackendAuth.Send.class,
                auth.moreData(new byte[] {CachingSha2Password.PERFORM_FULL_AUTHENTICATION}));
        assertArrayEquals(new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY}, request.data());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048); // as MySQL's own key
        var pair = generator.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        BackendAuth.Send encrypted = assertInstanceOf(BackendAuth.Send.class,
                auth.moreData(pem.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(256, encrypted.data().length); // one RSA block of the key's size
    }

    @Test
    void anAuthSwitchIsAnsweredInThePluginTheNodeNames() {
        BackendAuth auth = withPassword();
        auth.first(NativePassword.PLUGIN, NONCE);
        byte[] other = "abcdefghij0123456789".getBytes(StandardCharsets.US_ASCII);
        BackendAuth.Send sent = assertInstanceOf(BackendAuth.Send.class,
                auth.switchTo(CachingSha2Password.PLUGIN, other));
        assertArrayEquals(CachingSha2Password.scramble(PW, other), sent.data());
        assertArrayEquals(NativePassword.respond(PW, other), assertInstanceOf(BackendAuth.Send.class,
                withPassword().switchTo(NativePassword.PLUGIN, other)).data());
    }

    @Test
    void whatTheGatewayCannotAnswerFailsNamingTheUserAndWhatToChange() {
        BackendAuth.Fail noPassword = assertInstanceOf(BackendAuth.Fail.class,
                hashOnly().switchTo(CachingSha2Password.PLUGIN, NONCE));
        assertTrue(noPassword.reason().contains("user app authenticates with caching_sha2_password")
                && noPassword.reason().contains("user:password"), noPassword.reason());
        BackendAuth.Fail unknown = assertInstanceOf(BackendAuth.Fail.class,
                withPassword().switchTo("auth_gssapi_client", NONCE));
        assertTrue(unknown.reason().contains("auth_gssapi_client"), unknown.reason());
        BackendAuth nat = withPassword();
        nat.first(NativePassword.PLUGIN, NONCE);
        assertInstanceOf(BackendAuth.Fail.class, nat.moreData(new byte[] {3}));
    }

    private static byte[] sha1(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
