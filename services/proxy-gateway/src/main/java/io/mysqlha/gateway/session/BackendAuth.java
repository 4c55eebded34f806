package io.mysqlha.gateway.session;

import io.mysqlha.domain.Secret;
import io.mysqlha.protocol.CachingSha2Password;
import io.mysqlha.protocol.NativePassword;

import java.nio.charset.StandardCharsets;

/**
 * The gateway's side of authenticating to a node as the client's user, packet by packet, with what it knows of
 * the user: SHA1(password) recovered from the client's mysql_native_password proof and the native hash, and the
 * password itself when the users secret gives it in clear ({@link AppUsers}). It speaks mysql_native_password and
 * caching_sha2_password (fast path, and full authentication: the password itself over TLS, else encrypted with the
 * node's RSA key, asked for when needed). Each packet of the node gives the next {@link Step}; no channel here.
 */
final class BackendAuth {
    /** What to do after a packet of the node. */
    sealed interface Step {
    }

    /** Send this as the next packet of the exchange, then read the node's answer. */
    record Send(byte[] data) implements Step {
    }

    /** Read the node's next packet (the OK after a fast authentication). */
    record Await() implements Step {
    }

    /** The exchange cannot go on: why, naming the user and what to change. */
    record Fail(String reason) implements Step {
    }

    /** The plugin and the data of the handshake response. */
    record Answer(String plugin, byte[] data) {
    }

    private final String user;
    private final byte[] stage1;
    private final byte[] nativeHash;
    private final Secret password;
    private String plugin = "";
    private byte[] nonce = new byte[0];
    private boolean keyRequested;
    private boolean secure;

    /** @param password the user's password when the gateway has it, else null */
    BackendAuth(String user, byte[] stage1, byte[] nativeHash, Secret password) {
        this.user = user;
        this.stage1 = stage1;
        this.nativeHash = nativeHash;
        this.password = password;
    }

    /**
     * The handshake response's answer to the greeting: in the greeting's plugin when the gateway can answer it
     * (saving a round trip), else mysql_native_password, which the node may switch.
     */
    Answer first(String greetingPlugin, byte[] greetingNonce) {
        nonce = greetingNonce;
        plugin = CachingSha2Password.PLUGIN.equals(greetingPlugin) && password != null ? CachingSha2Password.PLUGIN
                : NativePassword.PLUGIN;
        return new Answer(plugin, answer());
    }

    /** The connection to the node is encrypted (TLS): a full authentication sends the password as it is. */
    void secured() {
        secure = true;
    }

    /** AuthSwitchRequest: the user's plugin on the node, with a new nonce. */
    Step switchTo(String requested, byte[] requestNonce) {
        nonce = requestNonce;
        plugin = requested;
        keyRequested = false;
        if (NativePassword.PLUGIN.equals(requested)) {
            return new Send(answer());
        }
        if (CachingSha2Password.PLUGIN.equals(requested)) {
            if (password == null && nativeHash.length > 0) {
                return new Fail(withoutPassword());
            }
            return new Send(answer());
        }
        return new Fail("user " + user + " authenticates with " + requested + " on this node; the gateway speaks"
                + " mysql_native_password and caching_sha2_password: on MySQL ALTER USER ... IDENTIFIED WITH"
                + " caching_sha2_password BY '...', on MariaDB ALTER USER ... IDENTIFIED VIA mysql_native_password"
                + " USING PASSWORD('...')");
    }

    /** AuthMoreData of caching_sha2_password: fast authentication, full authentication, or the node's key. */
    Step moreData(byte[] data) {
        if (!CachingSha2Password.PLUGIN.equals(plugin)) {
            return new Fail("the node sent more authentication data for " + plugin + ", which has none");
        }
        if (keyRequested) {
            return new Send(CachingSha2Password.encryptPassword(passwordBytes(), nonce,
                    CachingSha2Password.publicKey(data)));
        }
        if (data.length == 1 && data[0] == CachingSha2Password.FAST_AUTH_SUCCESS) {
            return new Await();
        }
        if (data.length == 1 && data[0] == CachingSha2Password.PERFORM_FULL_AUTHENTICATION) {
            if (password == null) {
                return new Fail(withoutPassword());
            }
            if (secure) { // as a client over TLS does: the password, NUL-terminated
                byte[] p = passwordBytes();
                return new Send(java.util.Arrays.copyOf(p, p.length + 1));
            }
            keyRequested = true;
            return new Send(new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY});
        }
        return new Fail("the node sent caching_sha2_password data the gateway does not know (" + data.length
                + " bytes)");
    }

    private byte[] answer() {
        if (CachingSha2Password.PLUGIN.equals(plugin)) {
            return password == null ? new byte[0] : CachingSha2Password.scramble(passwordBytes(), nonce);
        }
        return nativeHash.length == 0 ? new byte[0] : NativePassword.respondWithStage1(stage1, nonce, nativeHash);
    }

    private byte[] passwordBytes() {
        return password.reveal().getBytes(StandardCharsets.UTF_8);
    }

    private String withoutPassword() {
        return "user " + user + " authenticates with caching_sha2_password on this node, and the gateway knows only"
                + " the mysql_native_password hash of its password (a user:*HASH line in the users secret): give the"
                + " password in clear there (user:password), or make the user mysql_native_password on the nodes";
    }
}
