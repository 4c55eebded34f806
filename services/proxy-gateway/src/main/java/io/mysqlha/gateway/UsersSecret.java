package io.mysqlha.gateway;

import io.mysqlha.gateway.session.AppUsers;
import io.mysqlha.service.SecretResolver;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The application users from their secret, read again by {@link #refresh()}: a changed secret takes effect for new
 * logins without a restart; one that cannot be read or parsed is reported (the line, never its content) and the
 * users read before stay. The first read must succeed: a gateway without users cannot serve anyone.
 */
final class UsersSecret {
    private static final Logger LOG = Logger.getLogger(UsersSecret.class);

    private final String name;
    private final SecretResolver secrets;
    private volatile AppUsers users;
    private byte[] digest = new byte[0];
    private String problem;

    /** @throws IllegalStateException saying what is wrong with the secret, when it cannot be read or parsed */
    UsersSecret(String name, SecretResolver secrets) {
        this.name = name;
        this.secrets = secrets;
        try {
            String text = secrets.resolve(name).reveal();
            users = AppUsers.parse(text, "secret " + name);
            digest = sha256(text);
            LOG.infof("gateway: %d application user(s) from secret %s", users.size(), name);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the gateway needs its application users, one user:password or"
                    + " user:*HASH per line: " + e.getMessage(), e);
        }
    }

    AppUsers users() {
        return users;
    }

    /** Reads the secret again; returns true when changed users took effect. */
    synchronized boolean refresh() {
        String text;
        try {
            text = secrets.resolve(name).reveal();
        } catch (RuntimeException e) {
            report(e.getMessage());
            return false;
        }
        byte[] now = sha256(text);
        if (Arrays.equals(now, digest)) {
            return false;
        }
        try {
            AppUsers parsed = AppUsers.parse(text, "secret " + name);
            digest = now;
            problem = null;
            int before = users.size();
            users = parsed;
            LOG.infof("gateway: secret %s changed: %d application user(s) now (%d before), for new logins", name,
                    parsed.size(), before);
            return true;
        } catch (IllegalArgumentException e) {
            report(e.getMessage());
            return false;
        }
    }

    private void report(String why) {
        if (!why.equals(problem)) { // said once until it changes
            LOG.errorf("gateway: the application users cannot be read again (%s); the %d user(s) read before stay",
                    why, users.size());
        }
        problem = why;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
