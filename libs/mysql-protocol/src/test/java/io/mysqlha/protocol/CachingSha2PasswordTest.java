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
}
