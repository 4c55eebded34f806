package io.mysqlha.protocol;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachingSha2PasswordTest {
    private static final byte[] NONCE = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "s3cret".getBytes(StandardCharsets.UTF_8);

    @Test
    void theFirstAnswerIsSha256OfThePasswordMaskedByTheNonceAndProvesIt() {
        byte[] answer = CachingSha2Password.scramble(PASSWORD, NONCE);
        assertEquals(32, answer.length);
        byte[] stored = CachingSha2Password.storedHash(PASSWORD);
        assertTrue(CachingSha2Password.verify(answer, NONCE, stored));
        assertFalse(CachingSha2Password.verify(CachingSha2Password.scramble("other".getBytes(StandardCharsets.UTF_8),
                NONCE), NONCE, stored));
        assertFalse(CachingSha2Password.verify(answer, "another nonce 123456".getBytes(StandardCharsets.US_ASCII),
                stored));
    }

    @Test
    void anEmptyPasswordIsAnEmptyAnswer() {
        assertEquals(0, CachingSha2Password.scramble(new byte[0], NONCE).length);
        assertTrue(CachingSha2Password.verify(new byte[0], NONCE, new byte[0]));
        assertFalse(CachingSha2Password.verify(CachingSha2Password.scramble(PASSWORD, NONCE), NONCE, new byte[0]));
    }

    @Test
    void thePasswordForFullAuthenticationIsMaskedByTheNonceAndEncryptedWithTheServersKey() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        byte[] sent = CachingSha2Password.encryptPassword(PASSWORD, NONCE,
                CachingSha2Password.publicKey(pem.getBytes(StandardCharsets.US_ASCII)));
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        rsa.init(Cipher.DECRYPT_MODE, pair.getPrivate());
        byte[] plain = rsa.doFinal(sent);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= NONCE[i % NONCE.length];
        }
        assertArrayEquals("s3cret\0".getBytes(StandardCharsets.UTF_8), plain);
    }

    @Test
    void aKeyThatIsNotAPemPublicKeyIsAProtocolError() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> CachingSha2Password.publicKey("garbage".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("not a PEM public key"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void sha256CryptIsWhatOpensslPasswdMakes() {
        // openssl passwd -5 -salt saltstring 'Hello world!'; -salt 'rounds=10000$saltstringsaltst'
        org.junit.jupiter.api.Assertions.assertEquals("5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
                CachingSha2Password.sha256Crypt("Hello world!".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        "saltstring".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 5000));
        org.junit.jupiter.api.Assertions.assertEquals("3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA",
                CachingSha2Password.sha256Crypt("Hello world!".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        "saltstringsaltst".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 10000));
    }

    @org.junit.jupiter.api.Test
    void aStoredCryptIsReadAndChecked() {
        byte[] salt = "abcdefghij0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] password = "pw".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String stored = "$A$005$" + new String(salt, java.nio.charset.StandardCharsets.US_ASCII)
                + CachingSha2Password.sha256Crypt(password, salt, 5000);
        var crypt = CachingSha2Password.StoredCrypt.parse(stored.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        org.junit.jupiter.api.Assertions.assertEquals(5000, crypt.rounds());
        org.junit.jupiter.api.Assertions.assertTrue(crypt.matches(password));
        org.junit.jupiter.api.Assertions.assertFalse(crypt.matches("pW".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        String nine = "$A$00A$" + new String(salt, java.nio.charset.StandardCharsets.US_ASCII)
                + CachingSha2Password.sha256Crypt(password, salt, 10_000);
        var mysql9 = CachingSha2Password.StoredCrypt.parse(nine.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        org.junit.jupiter.api.Assertions.assertEquals(10_000, mysql9.rounds(), "MySQL 9 writes its rounds in hex");
        org.junit.jupiter.api.Assertions.assertTrue(mysql9.matches(password));
        org.junit.jupiter.api.Assertions.assertNull(CachingSha2Password.StoredCrypt.parse(
                "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        org.junit.jupiter.api.Assertions.assertFalse(crypt.toString().contains(crypt.digest()));
    }

    @org.junit.jupiter.api.Test
    void aPasswordEncryptedWithTheGatewaysPublicKeyDecryptsWithItsPrivateKey() throws Exception {
        var keys = java.security.KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        var pair = keys.generateKeyPair();
        byte[] nonce = "abcdefghijklmnopqrst".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var publicKey = CachingSha2Password.publicKey(CachingSha2Password.pem(pair.getPublic()));
        byte[] sent = CachingSha2Password.encryptPassword("s3cret".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                nonce, publicKey);
        org.junit.jupiter.api.Assertions.assertEquals("s3cret", new String(CachingSha2Password.decryptPassword(sent,
                nonce, pair.getPrivate()), java.nio.charset.StandardCharsets.US_ASCII));
        org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class,
                () -> CachingSha2Password.decryptPassword(new byte[256], nonce, pair.getPrivate()));
    }
}
