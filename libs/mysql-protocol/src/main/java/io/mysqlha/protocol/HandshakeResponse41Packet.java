package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's answer to the greeting (MySQL docs: "Protocol::HandshakeResponse41"). {@code database} and
 * {@code authPluginName} are null when the client did not send them; {@code attributes} is empty without
 * CONNECT_ATTRS. Its {@code toString} leaves the auth response out.
 */
public record HandshakeResponse41Packet(int capabilities, int maxPacketSize, int characterSet,
                                        int mariadbCapabilities, String username, byte[] authResponse,
                                        String database, String authPluginName, Map<String, String> attributes) {
    /** The short packet a client sends first when it wants TLS (capabilities include SSL, nothing after the filler). */
    public static final int SSL_REQUEST_LENGTH = 32;

    public static HandshakeResponse41Packet decode(ByteBuf b) {
        Buffers.need(b, 32, "HandshakeResponse41");
        int caps = b.readIntLE();
        if (!Capabilities.has(caps, Capabilities.PROTOCOL_41)) {
            throw new ProtocolException("a client without CLIENT_PROTOCOL_41 (HandshakeResponse320 is not supported)");
        }
        int maxPacket = b.readIntLE();
        int charset = b.readUnsignedByte();
        b.skipBytes(19);
        int mariadb = b.readIntLE();
        String user = Buffers.readNulString(b);
        byte[] auth;
        if (Capabilities.has(caps, Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            auth = Buffers.readLenencBytes(b);
        } else if (Capabilities.has(caps, Capabilities.SECURE_CONNECTION)) {
            auth = Buffers.readByteLengthBytes(b, "auth response");
        } else {
            auth = Buffers.readNulBytes(b);
        }
        String db = Capabilities.has(caps, Capabilities.CONNECT_WITH_DB) && b.isReadable()
                ? Buffers.readNulString(b) : null;
        String plugin = Capabilities.has(caps, Capabilities.PLUGIN_AUTH) && b.isReadable()
                ? Buffers.readNulString(b) : null;
        Map<String, String> attrs = Capabilities.has(caps, Capabilities.CONNECT_ATTRS) && b.isReadable()
                ? Buffers.readAttributes(b) : new LinkedHashMap<>();
        return new HandshakeResponse41Packet(caps, maxPacket, charset, mariadb, user, auth == null ? new byte[0] : auth,
                db, plugin, attrs);
    }

    public void encode(ByteBuf b) {
        b.writeIntLE(capabilities);
        b.writeIntLE(maxPacketSize);
        b.writeByte(characterSet);
        b.writeZero(19);
        b.writeIntLE(mariadbCapabilities);
        Buffers.writeNulString(b, username);
        if (Capabilities.has(capabilities, Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            Buffers.writeLenencBytes(b, authResponse);
        } else {
            b.writeByte(authResponse.length).writeBytes(authResponse);
        }
        if (Capabilities.has(capabilities, Capabilities.CONNECT_WITH_DB)) {
            Buffers.writeNulString(b, database == null ? "" : database);
        }
        if (Capabilities.has(capabilities, Capabilities.PLUGIN_AUTH)) {
            Buffers.writeNulString(b, authPluginName == null ? "" : authPluginName);
        }
        if (Capabilities.has(capabilities, Capabilities.CONNECT_ATTRS)) {
            Buffers.writeAttributes(b, attributes);
        }
    }

    /**
     * The SSLRequest a client sends before its TLS handshake: this response's first 32 bytes, its capabilities with
     * SSL (the MariaDB extended capabilities in the filler's last four bytes, as in the full response).
     */
    public void encodeSslRequest(ByteBuf b) {
        b.writeIntLE(capabilities | Capabilities.SSL);
        b.writeIntLE(maxPacketSize);
        b.writeByte(characterSet);
        b.writeZero(19);
        b.writeIntLE(mariadbCapabilities);
    }

    public HandshakeResponse41Packet withAuth(int newCapabilities, byte[] newAuth, String plugin) {
        return new HandshakeResponse41Packet(newCapabilities, maxPacketSize, characterSet, mariadbCapabilities,
                username, newAuth, database, plugin, attributes);
    }

    public HandshakeResponse41Packet withMariaDbCapabilities(int extended) {
        return new HandshakeResponse41Packet(capabilities, maxPacketSize, characterSet, extended, username,
                authResponse, database, authPluginName, attributes);
    }

    public HandshakeResponse41Packet withDatabase(String schema) {
        return new HandshakeResponse41Packet(capabilities, maxPacketSize, characterSet, mariadbCapabilities,
                username, authResponse, schema, authPluginName, attributes);
    }

    @Override
    public String toString() {
        return "HandshakeResponse41Packet[capabilities=0x" + Integer.toHexString(capabilities) + ", user=" + username
                + ", database=" + database + ", plugin=" + authPluginName + ", authResponse=" + authResponse.length
                + " bytes, attributes=" + attributes.keySet() + "]";
    }

}
