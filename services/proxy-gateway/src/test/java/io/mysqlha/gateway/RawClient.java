package io.mysqlha.gateway;

import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.HandshakeResponse41Packet;
import io.mysqlha.protocol.HandshakeV10Packet;
import io.mysqlha.protocol.NativePassword;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A client that writes whatever bytes a test wants, for the cases no driver would ever send. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private DataInputStream in;
    private OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** An SSLRequest (packet 1), as a client asking for TLS sends it after the greeting. */
    void sendSslRequest() throws IOException {
        byte[] request = new byte[32];
        int caps = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.SSL
                | Capabilities.PLUGIN_AUTH;
        for (int i = 0; i < 4; i++) {
            request[i] = (byte) (caps >>> (8 * i));
        }
        request[7] = 1; // max packet 16 MiB
        request[8] = 45;
        sendFrame(1, request);
    }

    /**
     * After the greeting: the SSLRequest, then a TLS handshake (trusting any certificate); from then on every frame
     * goes over TLS, the next one with sequence id 2.
     */
    void startTls() throws IOException {
        sendSslRequest();
        try {
            javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
            trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory().createSocket(socket,
                    "127.0.0.1", socket.getPort(), true);
            tls.startHandshake();
            in = new DataInputStream(tls.getInputStream());
            out = tls.getOutputStream();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The next frame's payload with its sequence id in front, or null when the gateway closed the connection. */
    byte[] frame() throws IOException {
        byte[] header = new byte[4];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        byte[] frame = new byte[length + 1];
        frame[0] = header[3];
        in.readFully(frame, 1, length);
        return frame;
    }

    /** True when the gateway closed the connection (reads end), false when it still waits after a timeout. */
    boolean closedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    static int errorCode(byte[] frame) {
        return (frame[1] & 0xff) == 0xff ? (frame[2] & 0xff) | (frame[3] & 0xff) << 8 : -1;
    }

    static String errorMessage(byte[] frame) {
        return new String(frame, 10, frame.length - 10, StandardCharsets.UTF_8);
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendFrame(int seq, byte[] payload) throws IOException {
        byte[] f = new byte[payload.length + 4];
        f[0] = (byte) payload.length;
        f[1] = (byte) (payload.length >> 8);
        f[2] = (byte) (payload.length >> 16);
        f[3] = (byte) seq;
        System.arraycopy(payload, 0, f, 4, payload.length);
        send(f);
    }

    /**
     * The payload of the next compressed packet, inflated (the frames it carries, headers included), with its
     * compressed sequence id in front; null when the gateway closed the connection.
     */
    byte[] compressedPacket() throws IOException {
        byte[] header = new byte[7];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        int inflated = (header[4] & 0xff) | (header[5] & 0xff) << 8 | (header[6] & 0xff) << 16;
        byte[] payload = new byte[length];
        in.readFully(payload);
        byte[] out = new byte[1 + (inflated == 0 ? length : inflated)];
        out[0] = header[3];
        if (inflated == 0) {
            System.arraycopy(payload, 0, out, 1, length);
        } else if (zstd) {
            System.arraycopy(com.github.luben.zstd.Zstd.decompress(payload, inflated), 0, out, 1, inflated);
        } else {
            java.util.zip.Inflater zlib = new java.util.zip.Inflater();
            zlib.setInput(payload);
            try {
                zlib.inflate(out, 1, inflated);
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException(e);
            }
        }
        return out;
    }

    /** Compressed packets are zstd (the client asked for CLIENT_ZSTD_COMPRESSION_ALGORITHM alone), not zlib. */
    boolean zstd;

    /** Sends one compressed packet holding these bytes as they are (length before compression 0). */
    void sendCompressed(int seq, byte[] bytes, int announced) throws IOException {
        byte[] p = new byte[bytes.length + 7];
        p[0] = (byte) bytes.length;
        p[1] = (byte) (bytes.length >> 8);
        p[2] = (byte) (bytes.length >> 16);
        p[3] = (byte) seq;
        p[4] = (byte) announced;
        p[5] = (byte) (announced >> 8);
        p[6] = (byte) (announced >> 16);
        System.arraycopy(bytes, 0, p, 7, bytes.length);
        send(p);
    }

    /**
     * Reads the greeting and logs in as this user in the greeting's plugin (mysql_native_password or
     * caching_sha2_password, whose "fast authentication" packet is read past); returns the answer frame.
     */
    byte[] login(String user, String password) throws IOException {
        return login(user, password, 0);
    }

    /** The same, asking for these capabilities beside the usual ones. */
    byte[] login(String user, String password, int more) throws IOException {
        byte[] greeting = frame();
        HandshakeV10Packet h = HandshakeV10Packet.decode(Unpooled.wrappedBuffer(greeting, 1, greeting.length - 1));
        boolean sha2 = io.mysqlha.protocol.CachingSha2Password.PLUGIN.equals(h.authPluginName());
        HandshakeResponse41Packet r = new HandshakeResponse41Packet(Capabilities.PROTOCOL_41
                | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH | Capabilities.TRANSACTIONS | more, 1 << 24,
                45, 0,
                user, sha2 ? io.mysqlha.protocol.CachingSha2Password.scramble(password.getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(h.authPluginData(), 20))
                : NativePassword.respond(password.getBytes(StandardCharsets.UTF_8), h.authPluginData()), null,
                h.authPluginName(), Map.of());
        ByteBuf b = Unpooled.buffer();
        r.encode(b);
        byte[] payload = new byte[b.readableBytes()];
        b.readBytes(payload);
        sendFrame(1, payload);
        byte[] answer = frame();
        return sha2 && answer != null && answer.length == 3 && answer[1] == 1 && answer[2] == 3 ? frame() : answer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
