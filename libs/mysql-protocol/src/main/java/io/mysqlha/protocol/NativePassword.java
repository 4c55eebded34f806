package io.mysqlha.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * mysql_native_password (MySQL docs: "Native Authentication"): the client sends
 * {@code SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password)))}. A server stores only {@code SHA1(SHA1(password))}
 * (the hash MySQL prints as {@code *HEX}). Knowing that hash and the scramble, a proxy recovers
 * {@code SHA1(password)} from a valid client response, and from it computes the response to any other scramble:
 * it authenticates to backends as the client without ever holding the password (ProxySQL's design).
 */
public final class NativePassword {
    public static final String PLUGIN = "mysql_native_password";
    public static final int SCRAMBLE_LENGTH = 20;

    private NativePassword() {
    }

    /** SHA1(SHA1(password)): what a user entry stores. */
    public static byte[] storedHash(byte[] password) {
        return sha1(sha1(password));
    }

    /** The stored hash from MySQL's {@code *HEX} form (41 characters), as mysql.user and PASSWORD() print it. */
    public static byte[] parseStoredHash(String star) {
        if (star.length() != 41 || star.charAt(0) != '*') {
            throw new IllegalArgumentException("a native password hash is '*' and 40 hex digits");
        }
        return HexFormat.of().parseHex(star.substring(1));
    }

    /** SHA1(password): what answers any scramble with the stored hash (empty for an empty password). */
    public static byte[] stage1(byte[] password) {
        return password.length == 0 ? new byte[0] : sha1(password);
    }

    /** The client's response to a scramble, knowing the password (what a client does). */
    public static byte[] respond(byte[] password, byte[] scramble) {
        if (password.length == 0) {
            return new byte[0];
        }
        return respondWithStage1(sha1(password), scramble, sha1(sha1(password)));
    }

    /** The response to a scramble from SHA1(password) and the stored hash (what the gateway does for backends). */
    public static byte[] respondWithStage1(byte[] stage1, byte[] scramble, byte[] storedHash) {
        return xor(stage1, sha1(scramble, storedHash));
    }

    /**
     * SHA1(password) recovered from a client's response, or null when the response does not match the stored hash
     * (wrong password). An empty stored hash stands for an empty password, which only an empty response matches.
     */
    public static byte[] verify(byte[] response, byte[] scramble, byte[] storedHash) {
        if (storedHash.length == 0) {
            return response.length == 0 ? new byte[0] : null;
        }
        if (response.length != SCRAMBLE_LENGTH) {
            return null;
        }
        byte[] stage1 = xor(response, sha1(scramble, storedHash));
        return MessageDigest.isEqual(sha1(stage1), storedHash) ? stage1 : null;
    }

    static byte[] sha1(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
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
