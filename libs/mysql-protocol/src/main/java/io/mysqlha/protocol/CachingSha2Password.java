package io.mysqlha.protocol;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * caching_sha2_password (MySQL 8's default, the only built-in password plugin of MySQL 9): the client first sends
 * {@code SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)}. A server that has this user in its
 * in-memory cache (after one full authentication since it started) answers AuthMoreData {@code 0x03} (fast
 * authentication) and then OK; otherwise {@code 0x04} (perform full authentication), after which the password
 * itself must travel: in clear over TLS, else RSA-encrypted (OAEP) with the server's public key, which a client may
 * ask for with {@code 0x02}. The password is XORed with the nonce (repeated) before encryption, NUL-terminated.
 */
public final class CachingSha2Password {
    public static final String PLUGIN = "caching_sha2_password";
    /** AuthMoreData byte: the server found the user in its cache; OK follows. */
    public static final int FAST_AUTH_SUCCESS = 0x03;
    /** AuthMoreData byte: the server needs the password (TLS or RSA). */
    public static final int PERFORM_FULL_AUTHENTICATION = 0x04;
    /** The client's request for the server's RSA public key. */
    public static final int REQUEST_PUBLIC_KEY = 0x02;

    private CachingSha2Password() {
    }

    /** The client's first answer to a nonce, knowing the password (empty for an empty password). */
    public static byte[] scramble(byte[] password, byte[] nonce) {
        if (password.length == 0) {
            return new byte[0];
        }
        byte[] stage1 = sha256(password);
        return xor(stage1, sha256(sha256(stage1), nonce));
    }

    /** SHA256(SHA256(password)): what a proxy keeps to check a client's first answer. */
    public static byte[] storedHash(byte[] password) {
        return sha256(sha256(password));
    }

    /**
     * Whether a client's first answer proves the password whose {@link #storedHash} is {@code stored} (an empty
     * stored hash stands for an empty password, which only an empty answer matches).
     */
    public static boolean verify(byte[] answer, byte[] nonce, byte[] stored) {
        if (stored.length == 0) {
            return answer.length == 0;
        }
        if (answer.length != 32) {
            return false;
        }
        byte[] stage1 = xor(answer, sha256(stored, nonce));
        return MessageDigest.isEqual(sha256(stage1), stored);
    }

    /**
     * The password for full authentication without TLS: {@code (password + NUL) XOR nonce}, encrypted with the
     * server's RSA public key (OAEP with SHA-1 and MGF1, as OpenSSL's RSA_PKCS1_OAEP_PADDING).
     */
    public static byte[] encryptPassword(byte[] password, byte[] nonce, PublicKey key) {
        byte[] plain = Arrays.copyOf(password, password.length + 1);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= nonce[i % nonce.length];
        }
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, key);
            return rsa.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new ProtocolException("cannot encrypt with the server's RSA public key: " + e.getMessage());
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** The server's public key from the PEM it sends ({@code -----BEGIN PUBLIC KEY-----}, SubjectPublicKeyInfo). */
    public static PublicKey publicKey(byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = text.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new ProtocolException("the server's public key is not a PEM public key");
        }
        String base64 = text.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ProtocolException("the server's public key cannot be read: " + e.getMessage());
        }
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
