package io.mysqlha.gateway.session;

import io.mysqlha.domain.Secret;
import io.mysqlha.protocol.NativePassword;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The application users the gateway accepts, from a secret with one {@code user:password} or
 * {@code user:*HASH} per line (the hash as MySQL prints it: {@code SELECT PASSWORD('pw')} or mysql.user's
 * authentication_string). The users must exist on the database nodes with the same password.
 *
 * <p>What the gateway must know depends on the plugin of the user on the nodes. For {@code mysql_native_password}
 * (MariaDB; MySQL 8.0 and before) the hash is enough, as in ProxySQL: it checks a client's proof and, from that
 * proof, recovers SHA1(password), which answers any backend's scramble. For {@code caching_sha2_password} (MySQL 8.4
 * and 9's default) no hash is enough: a node whose in-memory cache lacks the user (every node after a restart)
 * asks for the password itself, RSA-encrypted. So a {@code user:password} line keeps the password (in memory only,
 * never printed), and a {@code user:*HASH} line can log in only to nodes where the user is mysql_native_password.
 * An account read from a MySQL server ({@code users_loader}) has its SHA-256-crypt ({@link User#crypt()}): the
 * gateway then asks the client for the password itself (full authentication), as a server whose cache lacks it.
 */
public final class AppUsers {
    /**
     * One user's credentials: the native hash, the password when the secret gives it in clear (else null), and
     * whether the account is locked on the servers (ACCOUNT LOCK: its login is refused once its password is proved).
     */
    public record User(byte[] nativeHash, Secret password, boolean locked,
                       io.mysqlha.protocol.CachingSha2Password.StoredCrypt crypt) {
        public User(byte[] nativeHash, Secret password) {
            this(nativeHash, password, false, null);
        }

        public User(byte[] nativeHash, Secret password, boolean locked) {
            this(nativeHash, password, locked, null);
        }
    }

    /** Who logs in: the account a user name from a client's address logs in as, or empty when there is none. */
    @FunctionalInterface
    public interface Lookup {
        Optional<User> find(String user, String clientHost);

        /** This lookup's account, or else {@code next}'s. */
        default Lookup orElse(Lookup next) {
            return (user, host) -> find(user, host).or(() -> next.find(user, host));
        }
    }

    private final Map<String, User> users;

    private AppUsers(Map<String, User> users) {
        this.users = users;
    }

    /**
     * @param source names the secret in error messages (never its content)
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static AppUsers parse(String text, String source) {
        Map<String, User> hashes = new HashMap<>();
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
            User u;
            if (secret.startsWith("*") && secret.length() == 41) {
                try {
                    u = new User(NativePassword.parseStoredHash(secret), null);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + " line " + (i + 1) + " (user " + user
                            + "): a hash is '*' and 40 hex digits");
                }
            } else {
                u = new User(secret.isEmpty() ? new byte[0]
                        : NativePassword.storedHash(secret.getBytes(StandardCharsets.UTF_8)), Secret.of(secret));
            }
            if (hashes.put(user, u) != null) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": user " + user + " appears twice");
            }
        }
        return new AppUsers(Map.copyOf(hashes));
    }

    /** A user's credentials (its native hash empty for an empty password), or empty when the gateway does not know it. */
    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** The secret's users, whatever the client's address (the secret has no host patterns). */
    public Lookup lookup() {
        return (user, host) -> user(user);
    }

    public int size() {
        return users.size();
    }

    @Override
    public String toString() {
        return "AppUsers[" + users.size() + " users]";
    }
}
