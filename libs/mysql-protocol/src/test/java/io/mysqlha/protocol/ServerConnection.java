package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A blocking connection to a real server with exactly the capabilities a test chooses, that returns each response
 * as the frames the server sent (header included), delimited by {@link ResponseTracker}: what a client with those
 * capabilities receives, to compare with what the gateway makes of another client's frames.
 */
final class ServerConnection implements AutoCloseable {
    /** What every connection here asks for; a test adds DEPRECATE_EOF, SESSION_TRACK... */
    static final int BASE = Capabilities.LONG_PASSWORD | Capabilities.LONG_FLAG | Capabilities.PROTOCOL_41
            | Capabilities.TRANSACTIONS | Capabilities.SECURE_CONNECTION | Capabilities.MULTI_STATEMENTS
            | Capabilities.MULTI_RESULTS | Capabilities.PS_MULTI_RESULTS | Capabilities.PLUGIN_AUTH
            | Capabilities.CONNECT_WITH_DB;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ResponseTracker tracker;
    final int capabilities;
    final long connectionId;

    ServerConnection(int port, String user, String password, String schema, int capabilities) throws IOException {
        this.capabilities = capabilities;
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] greeting = read();
        HandshakeV10Packet h = HandshakeV10Packet.decode(payload(greeting));
        connectionId = h.connectionId();
        HandshakeResponse41Packet r = new HandshakeResponse41Packet(capabilities, 1 << 24, 45, 0, user,
                NativePassword.respond(password.getBytes(StandardCharsets.UTF_8), h.authPluginData()), schema,
                NativePassword.PLUGIN, Map.of());
        ByteBuf b = Unpooled.buffer();
        r.encode(b);
        write(1, b);
        byte[] answer = read();
        if ((answer[Frames.HEADER] & 0xff) != OkPacket.MARKER) {
            throw new IOException("login refused: " + ErrPacket.decode(payload(answer)).message());
        }
        tracker = new ResponseTracker(capabilities);
    }

    /** The frames of the answer to a COM_QUERY. */
    List<byte[]> query(String sql) throws IOException {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(Command.QUERY).writeBytes(sql.getBytes(StandardCharsets.UTF_8));
        return command(b);
    }

    /** The frames of the answer to any command whose payload (command byte first) is given. */
    List<byte[]> command(ByteBuf payload) throws IOException {
        int command = payload.getUnsignedByte(payload.readerIndex());
        write(0, payload);
        List<byte[]> frames = new ArrayList<>();
        if (!tracker.begin(command)) {
            return frames;
        }
        boolean done = false;
        while (!done) {
            byte[] frame = read();
            frames.add(frame);
            done = tracker.onFrame(Unpooled.wrappedBuffer(frame));
        }
        return frames;
    }

    ResponseTracker tracker() {
        return tracker;
    }

    private void write(int seq, ByteBuf payload) throws IOException {
        ByteBuf f = Unpooled.buffer();
        Frames.write(f, payload, seq);
        byte[] bytes = new byte[f.readableBytes()];
        f.readBytes(bytes);
        out.write(bytes);
        out.flush();
    }

    private byte[] read() throws IOException {
        byte[] header = new byte[Frames.HEADER];
        in.readFully(header);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        byte[] frame = new byte[Frames.HEADER + length];
        System.arraycopy(header, 0, frame, 0, Frames.HEADER);
        in.readFully(frame, Frames.HEADER, length);
        return frame;
    }

    static ByteBuf payload(byte[] frame) {
        return Unpooled.wrappedBuffer(frame, Frames.HEADER, frame.length - Frames.HEADER);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
