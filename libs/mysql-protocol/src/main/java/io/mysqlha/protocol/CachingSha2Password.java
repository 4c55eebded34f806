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

    /**
     * The password of a full authentication sent without TLS, as {@link #encryptPassword} made it: decrypted with the
     * private key whose public half the client was given, then XORed with the nonce; without its closing NUL.
     *
     * @throws ProtocolException when it does not decrypt (another key, a damaged answer)
     */
    public static byte[] decryptPassword(byte[] encrypted, byte[] nonce, java.security.PrivateKey key) {
        byte[] plain;
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            rsa.init(Cipher.DECRYPT_MODE, key);
            plain = rsa.doFinal(encrypted);
        } catch (GeneralSecurityException e) {
            throw new ProtocolException("the password does not decrypt with the gateway's RSA key");
        }
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= nonce[i % nonce.length];
        }
        int end = plain.length > 0 && plain[plain.length - 1] == 0 ? plain.length - 1 : plain.length;
        byte[] password = Arrays.copyOf(plain, end);
        Arrays.fill(plain, (byte) 0);
        return password;
    }

    /** A public key as a server sends it: PEM, {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo). */
    public static byte[] pem(PublicKey key) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        return ("-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What a MySQL server stores for a caching_sha2_password account ({@code authentication_string}): {@code $A$},
     * the rounds in thousands as three hexadecimal digits ({@code 005} in MySQL 8.0, {@code 00A} in 9), {@code $}, 20 bytes of salt and the 43-character SHA-256-crypt of the
     * password. Its check needs the password itself: a client proves it in full authentication (over TLS, or
     * encrypted with an RSA key), never with the scramble of the fast path.
     *
     * @param rounds the SHA-256-crypt rounds (5000 for {@code 005}, 10000 for {@code 00A})
     */
    public record StoredCrypt(int rounds, byte[] salt, String digest) {
        private static final int SALT = 20;
        private static final int DIGEST = 43;

        /** Reads {@code authentication_string}'s bytes; null when they are not of this form. */
        public static StoredCrypt parse(byte[] stored) {
            if (stored.length != 7 + SALT + DIGEST || stored[0] != '$' || stored[1] != 'A' || stored[2] != '$'
                    || stored[6] != '$') {
                return null;
            }
            int thousands = 0;
            for (int i = 3; i < 6; i++) { // hexadecimal: MySQL 9's 10000 rounds are 00A
                int digit = Character.digit(stored[i], 16);
                if (digit < 0) {
                    return null;
                }
                thousands = thousands * 16 + digit;
            }
            if (thousands == 0) {
                return null;
            }
            return new StoredCrypt(thousands * 1000, Arrays.copyOfRange(stored, 7, 7 + SALT),
                    new String(stored, 7 + SALT, DIGEST, StandardCharsets.ISO_8859_1));
        }

        /** Whether {@code password} is the one stored (constant time in the digest). */
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(sha256Crypt(password, salt, rounds).getBytes(StandardCharsets.ISO_8859_1),
                    digest.getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public String toString() {
            return "StoredCrypt[rounds=" + rounds + "]";
        }
    }

    private static final char[] CRYPT_B64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();
    /** SHA-256-crypt's order of the digest's bytes in its encoding, three at a time. */
    private static final int[][] CRYPT_ORDER = {{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14},
            {15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29}};

    /**
     * Ulrich Drepper's SHA-256-crypt of {@code password} with {@code salt} (used whole: MySQL's salt is 20 bytes,
     * beyond the 16 of {@code $5$}) and {@code rounds}: the 43 characters after the salt.
     */
    public static String sha256Crypt(byte[] password, byte[] salt, int rounds) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(password);
            md.update(salt);
            md.update(password);
            byte[] b = md.digest();
            md.update(password);
            md.update(salt);
            int n;
            for (n = password.length; n > 32; n -= 32) {
                md.update(b, 0, 32);
            }
            md.update(b, 0, n);
            for (n = password.length; n > 0; n >>= 1) {
                if ((n & 1) != 0) {
                    md.update(b, 0, 32);
                } else {
                    md.update(password);
                }
            }
            byte[] a = md.digest();
            for (int i = 0; i < password.length; i++) {
                md.update(password);
            }
            byte[] dp = md.digest();
            byte[] p = new byte[password.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = dp[i % 32];
            }
            for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
                md.update(salt);
            }
            byte[] ds = md.digest();
            byte[] sBytes = new byte[salt.length];
            for (int i = 0; i < sBytes.length; i++) {
                sBytes[i] = ds[i % 32];
            }
            byte[] c = a;
            for (int i = 0; i < rounds; i++) {
                if ((i & 1) != 0) {
                    md.update(p);
                } else {
                    md.update(c, 0, 32);
                }
                if (i % 3 != 0) {
                    md.update(sBytes);
                }
                if (i % 7 != 0) {
                    md.update(p);
                }
                if ((i & 1) != 0) {
                    md.update(c, 0, 32);
                } else {
                    md.update(p);
                }
                c = md.digest();
            }
            StringBuilder out = new StringBuilder(43);
            for (int[] o : CRYPT_ORDER) {
                b64(out, c[o[0]], c[o[1]], c[o[2]], 4);
            }
            b64(out, (byte) 0, c[31], c[30], 3);
            Arrays.fill(p, (byte) 0);
            Arrays.fill(dp, (byte) 0);
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void b64(StringBuilder out, byte b2, byte b1, byte b0, int n) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < n; i++) {
            out.append(CRYPT_B64[w & 0x3f]);
            w >>>= 6;
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
