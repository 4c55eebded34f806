package io.mysqlha.gateway.session;

import io.mysqlha.protocol.AuthMoreDataPacket;
import io.mysqlha.protocol.AuthSwitchRequestPacket;
import io.mysqlha.protocol.AuthSwitchResponsePacket;
import io.mysqlha.protocol.CachingSha2Password;
import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.ComChangeUserPacket;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.HandshakeResponse41Packet;
import io.mysqlha.protocol.NativePassword;
import io.mysqlha.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The client's side of the login, frame by frame, after the gateway's greeting: its SSLRequest when the listener
 * offers TLS (the session then speaks TLS and the HandshakeResponse41 follows with sequence id 2), or its
 * HandshakeResponse41 in clear (refused with MySQL's 3159 where the listener requires TLS), the check of its answer in mysql_native_password (against the
 * user's stored hash) or caching_sha2_password (when the gateway has the user's password), and an auth switch when
 * the client answered in a plugin the gateway cannot check for that user. Each frame gives the next
 * {@link Step}; the session carries it out. No channel here: the steps are plain values, tested as such.
 */
final class ClientLogin {
    /** What to do after a frame. */
    sealed interface Step {
    }

    /** Send this packet with this sequence id, then read the client's answer. */
    record Reply(int seq, Consumer<ByteBuf> packet) implements Step {
    }

    /** The client asked for TLS, which was offered: speak TLS from the next byte on, then read its login. */
    record StartTls() implements Step {
    }

    /** Answer with this error and close. {@code denied}: a wrong user or password (counted as such). */
    record Refuse(int seq, int code, String sqlState, String message, boolean denied) implements Step {
    }

    /**
     * The client proved its password: connect the backend as this user. {@code fastAuthSeq}: with
     * caching_sha2_password, the sequence id of the AuthMoreData "fast authentication" a server sends before its OK
     * (send it now), else -1.
     */
    record Authenticated(HandshakeResponse41Packet handshake, int capabilities, AppUsers.User user, byte[] stage1,
                         int nextSeq, int fastAuthSeq) implements Step {
    }

    private final byte[] scramble;
    private AppUsers.Lookup users;
    private final boolean mariadb;
    private final String host;
    private final String greetingPlugin;
    private final int offered;
    private final boolean requireTls;
    private boolean tls;
    private boolean switched;
    /** The plugin the client's current answer is in. */
    private String plugin;
    private int nextSeq;
    private HandshakeResponse41Packet handshake;
    private AppUsers.User user;
    /** The client's last answer to a scramble (kept for a check again after the users were read again). */
    private byte[] lastProof;
    /** Whether the gateway asked for the password itself (caching_sha2_password's full authentication). */
    private boolean fullAuth;
    /** The password full authentication gave, kept for a check again after the users were read again. */
    private byte[] fullPassword;

    /**
     * @param host           the client's address, for the access-denied message as MySQL words it
     * @param greetingPlugin the plugin the greeting named (the cluster's servers' default)
     * @param offered        the greeting's capabilities (with CLIENT_SSL when the listener offers TLS)
     * @param requireTls     refuse a login in clear
     * @param mariadb        the cluster's servers are MariaDB (their error for a locked account)
     */
    ClientLogin(byte[] scramble, AppUsers.Lookup users, String host, String greetingPlugin, int offered,
                boolean requireTls, boolean mariadb) {
        this.mariadb = mariadb;
        this.offered = offered;
        this.requireTls = requireTls;
        this.scramble = scramble;
        this.users = users;
        this.host = host;
        this.greetingPlugin = greetingPlugin;
    }

    /** With the users of a secret alone (their account has no host pattern), on a MySQL-like cluster. */
    ClientLogin(byte[] scramble, AppUsers users, String host, String greetingPlugin, int offered,
                boolean requireTls) {
        this(scramble, users.lookup(), host, greetingPlugin, offered, requireTls, false);
    }

    /** The sequence id an error sent now would take. */
    int nextSeq() {
        return nextSeq;
    }

    Step onFrame(ByteBuf frame) {
        int seq = Frames.sequenceId(frame);
        if (Frames.payloadLength(frame) == Frames.MAX_PAYLOAD) {
            throw new ProtocolException("a handshake packet of 16 MiB");
        }
        ByteBuf payload = frame.slice(frame.readerIndex() + Frames.HEADER, Frames.payloadLength(frame));
        if (switched) {
            if (seq != nextSeq) {
                return outOfOrder(seq);
            }
            nextSeq = seq + 1;
            return check(AuthSwitchResponsePacket.decode(payload).data());
        }
        if (fullAuth) {
            if (seq != nextSeq) {
                return outOfOrder(seq);
            }
            nextSeq = seq + 1;
            return fullAuthentication(io.netty.buffer.ByteBufUtil.getBytes(payload));
        }
        int expected = tls ? 2 : 1; // after the SSLRequest (1), the login comes over TLS as packet 2
        if (seq != expected) {
            return outOfOrder(seq);
        }
        nextSeq = expected + 1;
        if (!tls && payload.readableBytes() == HandshakeResponse41Packet.SSL_REQUEST_LENGTH
                && Capabilities.has(payload.getIntLE(0), Capabilities.SSL)) {
            if (!Capabilities.has(offered, Capabilities.SSL)) {
                return new Refuse(2, ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "this gateway listener does not offer"
                        + " TLS; connect without it, or give the listener tls: {cert, key} in the cluster's spec",
                        false);
            }
            tls = true;
            return new StartTls();
        }
        handshake = HandshakeResponse41Packet.decode(payload);
        if (requireTls && !tls) {
            return new Refuse(nextSeq, ErrPacket.ER_SECURE_TRANSPORT_REQUIRED, "HY000", "Connections using insecure"
                    + " transport are prohibited while --require_secure_transport=ON.", false);
        }
        if ((handshake.capabilities() & Capabilities.FRAMING) == Capabilities.ZSTD_COMPRESSION
                && !Capabilities.has(offered, Capabilities.ZSTD_COMPRESSION)) {
            // zstd was not offered (MariaDB clusters): its next packets would be framed in a way nobody agreed on,
            // refused before they come (with CLIENT_COMPRESS beside it, zlib is used)
            return new Refuse(2, ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "Bad handshake: the client asked for "
                    + Capabilities.names(Capabilities.ZSTD_COMPRESSION) + ", which the mysqlha gateway did not offer;"
                    + " connect with zlib compression (--compression-algorithms=zlib) or without", false);
        }
        return authenticate();
    }

    /**
     * COM_CHANGE_USER (its sequence id 0): the same checks as a login, for the user, schema, character set and
     * attributes it names, against the scramble of the connection's greeting (as a server does), its answer packet
     * 1 (or 3 after an auth switch). {@code current}: the session's login, whose capabilities stay.
     */
    Step changeUser(ComChangeUserPacket p, HandshakeResponse41Packet current) {
        handshake = new HandshakeResponse41Packet(current.capabilities(), current.maxPacketSize(),
                p.characterSet() == 0 ? current.characterSet() : p.characterSet(), current.mariadbCapabilities(),
                p.user(), p.authResponse(), p.database(), p.authPluginName(),
                p.attributes().isEmpty() ? current.attributes() : p.attributes());
        nextSeq = 1;
        return authenticate();
    }

    /**
     * As a server does: the answer is checked when the client chose the account's plugin, else the client is asked
     * to switch to it. The account's plugin, as the gateway serves it: the greeting's (the cluster's servers'
     * default) when the gateway can check it for this user (caching_sha2_password needs the user's password; the
     * gateway always "has the user in its cache", so its fast path always serves), else mysql_native_password.
     */
    /**
     * After a refusal for an unknown user or a wrong password, once the users were read again from the servers: the
     * same answer checked against {@code now}'s account (a login is never asked to answer twice).
     */
    Step retry(AppUsers.Lookup now) {
        this.users = now;
        if (!switched && !fullAuth) {
            return authenticate();
        }
        var known = users.find(handshake.username(), host);
        if (known.isEmpty()) {
            return denied();
        }
        user = known.get();
        if (fullAuth) {
            return fullPassword == null || user.crypt() == null ? denied() : proven(fullPassword);
        }
        return pluginFor().equals(plugin) && lastProof != null ? check(lastProof) : denied();
    }

    private Step authenticate() {
        var known = users.find(handshake.username(), host);
        if (known.isEmpty()) {
            return denied();
        }
        user = known.get();
        plugin = pluginFor();
        String chosen = handshake.authPluginName() == null ? NativePassword.PLUGIN : handshake.authPluginName();
        if (plugin.equals(chosen)) {
            return check(handshake.authResponse());
        }
        if (!Capabilities.has(handshake.capabilities(), Capabilities.PLUGIN_AUTH)) {
            return denied();
        }
        switched = true;
        int at = nextSeq++;
        return new Reply(at, new AuthSwitchRequestPacket(plugin, scramble)::encode);
    }

    private boolean checkable(String candidate) {
        return NativePassword.PLUGIN.equals(candidate) && user.nativeHash() != null
                || CachingSha2Password.PLUGIN.equals(candidate) && (user.password() != null || user.crypt() != null);
    }

    /** The plugin the account is served in: the greeting's when the gateway can check it, else one it can. */
    private String pluginFor() {
        if (checkable(greetingPlugin)) {
            return greetingPlugin;
        }
        return checkable(NativePassword.PLUGIN) ? NativePassword.PLUGIN : CachingSha2Password.PLUGIN;
    }

    private Step check(byte[] proof) {
        lastProof = proof;
        return locked(checkProof(proof));
    }

    /** An account that is locked is refused once its password is proved. */
    private Step locked(Step checked) {
        if (checked instanceof Authenticated a && user.locked()) {
            // as the servers: only who proved the password learns that the account is locked
            int seq = a.fastAuthSeq() >= 0 ? a.fastAuthSeq() : a.nextSeq();
            return mariadb ? new Refuse(seq, ErrPacket.ER_ACCOUNT_HAS_BEEN_LOCKED_MARIADB, "HY000",
                    "Access denied, this account is locked", true)
                    : new Refuse(seq, ErrPacket.ER_ACCOUNT_HAS_BEEN_LOCKED, "HY000", "Access denied for user '"
                    + handshake.username() + "'@'" + host + "'. Account is locked.", true);
        }
        return checked;
    }

    private Step checkProof(byte[] proof) {
        int caps = handshake.capabilities() & Capabilities.GATEWAY;
        if (CachingSha2Password.PLUGIN.equals(plugin) && user.password() == null) {
            // an account read from a MySQL server: only the password itself can be checked against its
            // SHA-256-crypt, so the gateway asks for it, as a server whose cache lacks the account does
            fullAuth = true;
            int at = nextSeq++;
            return new Reply(at, new AuthMoreDataPacket(new byte[] {
                    (byte) CachingSha2Password.PERFORM_FULL_AUTHENTICATION})::encode);
        }
        if (CachingSha2Password.PLUGIN.equals(plugin)) {
            byte[] password = user.password().reveal().getBytes(StandardCharsets.UTF_8);
            if (!CachingSha2Password.verify(proof, scramble, password.length == 0 ? new byte[0]
                    : CachingSha2Password.storedHash(password))) {
                return denied();
            }
            int fast = -1;
            if (password.length > 0) { // an empty password is answered with OK alone, as the server does
                fast = nextSeq++;
            }
            return new Authenticated(handshake, caps, user, NativePassword.stage1(password), nextSeq, fast);
        }
        byte[] stage1 = NativePassword.verify(proof, scramble, user.nativeHash());
        if (stage1 == null) {
            return denied();
        }
        return new Authenticated(handshake, caps, user, stage1, nextSeq, -1);
    }

    /**
     * The client's answer in full authentication: the password in clear over TLS; in clear, a request for the
     * gateway's public key (answered with it), then the password encrypted with it.
     */
    private Step fullAuthentication(byte[] data) {
        if (!tls && data.length == 1 && data[0] == CachingSha2Password.REQUEST_PUBLIC_KEY) {
            int at = nextSeq++;
            return new Reply(at, new AuthMoreDataPacket(GatewayRsaKey.pem())::encode);
        }
        byte[] password;
        if (tls) {
            int end = data.length > 0 && data[data.length - 1] == 0 ? data.length - 1 : data.length;
            password = java.util.Arrays.copyOf(data, end);
        } else {
            try {
                password = CachingSha2Password.decryptPassword(data, scramble, GatewayRsaKey.privateKey());
            } catch (ProtocolException e) {
                return denied();
            }
        }
        java.util.Arrays.fill(data, (byte) 0);
        fullPassword = password;
        return proven(password);
    }

    private Step proven(byte[] password) {
        if (!user.crypt().matches(password)) {
            return denied();
        }
        AppUsers.User withPassword = new AppUsers.User(NativePassword.storedHash(password),
                io.mysqlha.domain.Secret.of(new String(password, StandardCharsets.UTF_8)), user.locked(), user.crypt());
        user = withPassword;
        return locked(new Authenticated(handshake, handshake.capabilities() & Capabilities.GATEWAY, withPassword,
                NativePassword.stage1(password), nextSeq, -1));
    }

    private Refuse denied() {
        boolean withPassword = handshake.authResponse().length > 0;
        return new Refuse(nextSeq, ErrPacket.ER_ACCESS_DENIED_ERROR, "28000", "Access denied for user '"
                + handshake.username() + "'@'" + host + "' (using password: " + (withPassword ? "YES" : "NO") + ")",
                true);
    }

    private static Refuse outOfOrder(int seq) {
        return new Refuse(seq + 1, ErrPacket.ER_NET_PACKETS_OUT_OF_ORDER, "08S01", "Got packets out of order", false);
    }
}
