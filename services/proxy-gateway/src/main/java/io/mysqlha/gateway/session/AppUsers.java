package io.mysqlha.gateway.session;

import io.mysqlha.protocol.NativePassword;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The application users the gateway accepts, from a secret with one {@code user:password} or
 * {@code user:*HASH} per line (the hash as MySQL prints it: {@code SELECT PASSWORD('pw')} or mysql.user's
 * authentication_string). Only SHA1(SHA1(password)) is kept in memory, as ProxySQL does: it is enough to check a
 * client's mysql_native_password proof and, from that proof, to authenticate to the backends as the same user.
 * The users must exist on the database nodes with the same password.
 */
public final class AppUsers {
    private final Map<String, byte[]> hashes;

    private AppUsers(Map<String, byte[]> hashes) {
        this.hashes = hashes;
    }

    /**
     * @param source names the secret in error messages (never its content)
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static AppUsers parse(String text, String source) {
        Map<String, byte[]> hashes = new HashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": expected user:password or"
                        + " user:*HASH (41 characters)");
            }
            String user = line.substring(0, colon);
            String secret = line.substring(colon + 1);
            byte[] hash;
            if (secret.startsWith("*") && secret.length() == 41) {
                try {
                    hash = NativePassword.parseStoredHash(secret);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + " line " + (i + 1) + " (user " + user
                            + "): a hash is '*' and 40 hex digits");
                }
            } else {
                hash = secret.isEmpty() ? new byte[0]
                        : NativePassword.storedHash(secret.getBytes(StandardCharsets.UTF_8));
            }
            if (hashes.put(user, hash) != null) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": user " + user + " appears twice");
            }
        }
        return new AppUsers(Map.copyOf(hashes));
    }

    /** The stored hash of a user (empty for an empty password), or empty when the gateway does not know it. */
    public Optional<byte[]> hash(String user) {
        return Optional.ofNullable(hashes.get(user));
    }

    public int size() {
        return hashes.size();
    }

    @Override
    public String toString() {
        return "AppUsers[" + hashes.size() + " users]";
    }
}
