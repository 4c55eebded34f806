package io.mysqlha.backup.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key backups of a cluster are encrypted with at rest (AES-256), read from a secret holding 32 bytes as 64 hex
 * digits or as base64 ({@code openssl rand -hex 32}). Its id, written into every manifest and segment index and at
 * the head of every encrypted file, is a fingerprint ({@code sha256:} and the first 16 hex digits of its SHA-256):
 * it tells which key a file needs without saying anything of the key. {@code toString} shows the id only.
 */
public final class BackupKey {
    private final SecretKey key;
    private final String id;

    private BackupKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "AES");
        this.id = "sha256:" + HexFormat.of().formatHex(sha256(raw), 0, 8);
    }

    /**
     * @param secretName names the secret in messages (never its content)
     * @throws IllegalArgumentException saying what the secret must hold
     */
    public static BackupKey parse(String text, String secretName) {
        String s = text.strip();
        byte[] raw;
        try {
            raw = s.length() == 64 ? HexFormat.of().parseHex(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("secret " + secretName + " must hold a 256-bit key: 64 hex digits or"
                    + " 44 base64 characters (openssl rand -hex 32)");
        }
        return new BackupKey(raw);
    }

    public String id() {
        return id;
    }

    SecretKey key() {
        return key;
    }

    /** The id as the 8 bytes a file's header carries. */
    byte[] idBytes() {
        return HexFormat.of().parseHex(id.substring("sha256:".length()));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "BackupKey[" + id + "]";
    }

    static String idOf(byte[] idBytes) {
        return "sha256:" + new String(HexFormat.of().formatHex(idBytes).getBytes(StandardCharsets.US_ASCII),
                StandardCharsets.US_ASCII);
    }
}
