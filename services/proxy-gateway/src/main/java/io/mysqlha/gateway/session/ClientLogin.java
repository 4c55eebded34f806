package io.mysqlha.gateway.session;

import io.mysqlha.protocol.AuthSwitchRequestPacket;
import io.mysqlha.protocol.AuthSwitchResponsePacket;
import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.ComChangeUserPacket;
import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.HandshakeResponse41Packet;
import io.mysqlha.protocol.NativePassword;
import io.mysqlha.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;

/**
 * The client's side of the login, frame by frame, after the gateway's greeting: its HandshakeResponse41 (TLS
 * refused, since the gateway does not offer it), an auth switch to mysql_native_password when the client offers
 * another plugin, and the check of its proof against the user's stored hash. Each frame gives the next
 * {@link Step}; the session carries it out. No channel here: the steps are plain values, tested as such.
 */
final class ClientLogin {
    /** What to do after a frame. */
    sealed interface Step {
    }

    /** Send this packet with this sequence id, then read the client's answer. */
    record Reply(int seq, Consumer<ByteBuf> packet) implements Step {
    }

    /** Answer with this error and close. {@code denied}: a wrong user or password (counted as such). */
    record Refuse(int seq, int code, String sqlState, String message, boolean denied) implements Step {
    }

    /** The client proved its password: connect the backend as this user. */
    record Authenticated(HandshakeResponse41Packet handshake, int capabilities, AppUsers.User user, byte[] stage1,
                         int nextSeq) implements Step {
    }

    private final byte[] scramble;
    private final AppUsers users;
    private final String host;
    private boolean switched;
    private int nextSeq;
    private HandshakeResponse41Packet handshake;
    private AppUsers.User user;

    /** @param host the client's address, for the access-denied message as MySQL words it */
    ClientLogin(byte[] scramble, AppUsers users, String host) {
        this.scramble = scramble;
        this.users = users;
        this.host = host;
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
            return checkProof(AuthSwitchResponsePacket.decode(payload).data());
        }
        if (seq != 1) {
            return outOfOrder(seq);
        }
        nextSeq = 2;
        if (payload.readableBytes() == HandshakeResponse41Packet.SSL_REQUEST_LENGTH
                && Capabilities.has(payload.getIntLE(0), Capabilities.SSL)) {
            return new Refuse(2, ErrPacket.ER_HANDSHAKE_ERROR, "08S01", "this gateway does not offer TLS; connect"
                    + " without it (terminate TLS in front of the gateway)", false);
        }
        handshake = HandshakeResponse41Packet.decode(payload);
        if ((handshake.capabilities() & Capabilities.FRAMING) == Capabilities.ZSTD_COMPRESSION) {
            // its next packets would be framed in a way the gateway cannot read: refused before they come (with
            // CLIENT_COMPRESS beside it, zlib is used, which the gateway speaks)
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

    private Step authenticate() {
        var known = users.user(handshake.username());
        if (known.isEmpty()) {
            return denied();
        }
        user = known.get();
        if (handshake.authPluginName() != null && !NativePassword.PLUGIN.equals(handshake.authPluginName())) {
            if (!Capabilities.has(handshake.capabilities(), Capabilities.PLUGIN_AUTH)) {
                return denied();
            }
            switched = true;
            int at = nextSeq++;
            return new Reply(at, new AuthSwitchRequestPacket(NativePassword.PLUGIN, scramble)::encode);
        }
        return checkProof(handshake.authResponse());
    }

    private Step checkProof(byte[] proof) {
        byte[] stage1 = NativePassword.verify(proof, scramble, user.nativeHash());
        if (stage1 == null) {
            return denied();
        }
        return new Authenticated(handshake, handshake.capabilities() & Capabilities.GATEWAY, user, stage1, nextSeq);
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
