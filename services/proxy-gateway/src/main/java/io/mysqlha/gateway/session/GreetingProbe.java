package io.mysqlha.gateway.session;

import io.mysqlha.protocol.Frames;
import io.mysqlha.protocol.HandshakeV10Packet;
import io.mysqlha.protocol.ProtocolException;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Reads the greeting of a node once, without logging in: what the gateway greets a cluster's clients as before any
 * session reached one of its nodes. Without it, the first clients of a MySQL 9 cluster would be greeted as the
 * configured default (a MariaDB version), and MySQL Connector/J, seeing an old server, would ask for
 * {@code query_cache_size}, which MySQL 8+ no longer has. The node sees a connection that ends before it logs in
 * (counted in its Aborted_connects; a later successful login from the gateway resets its max_connect_errors count).
 */
public final class GreetingProbe {
    private GreetingProbe() {
    }

    /** The node's flavour, or null when it cannot be read within {@code timeoutMs} (the caller keeps what it has). */
    public static SessionContext.Flavour read(InetSocketAddress node, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(node.getHostString(), node.getPort()), timeoutMs);
            s.setSoTimeout(timeoutMs);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = in.readNBytes(Frames.HEADER);
            if (header.length < Frames.HEADER) {
                return null;
            }
            int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            byte[] payload = in.readNBytes(length);
            if (payload.length < length || payload.length == 0 || (payload[0] & 0xff) != 10) {
                return null; // an ERR (too many connections, host blocked) or not a MySQL server: learn it later
            }
            return SessionContext.Flavour.of(HandshakeV10Packet.decode(Unpooled.wrappedBuffer(payload)));
        } catch (IOException | ProtocolException | IndexOutOfBoundsException e) {
            return null;
        }
    }
}
