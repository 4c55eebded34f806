package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * COM_CHANGE_USER (MySQL docs: "COM_CHANGE_USER"): log in again as another user on the same connection, with its
 * schema, character set, plugin and attributes. {@code characterSet} is 0 and {@code authPluginName} null when the
 * client did not send them. The layout depends on the capabilities negotiated at login. Its {@code toString} leaves
 * the auth response out.
 */
public record ComChangeUserPacket(String user, byte[] authResponse, String database, int characterSet,
                                  String authPluginName, Map<String, String> attributes) {

    public static ComChangeUserPacket decode(ByteBuf b, int capabilities) {
        Buffers.need(b, 1, "COM_CHANGE_USER");
        if (b.readUnsignedByte() != Command.CHANGE_USER) {
            throw new ProtocolException("not a COM_CHANGE_USER");
        }
        String user = Buffers.readNulString(b);
        byte[] auth;
        if (Capabilities.has(capabilities, Capabilities.SECURE_CONNECTION)) {
            auth = Buffers.readByteLengthBytes(b, "COM_CHANGE_USER auth response");
        } else {
            auth = Buffers.readNulBytes(b);
        }
        String database = b.isReadable() ? Buffers.readNulString(b) : "";
        int charset = 0;
        String plugin = null;
        Map<String, String> attrs = new LinkedHashMap<>();
        if (b.readableBytes() >= 2) {
            charset = b.readUnsignedShortLE();
            if (Capabilities.has(capabilities, Capabilities.PLUGIN_AUTH) && b.isReadable()) {
                plugin = Buffers.readNulString(b);
            }
            if (Capabilities.has(capabilities, Capabilities.CONNECT_ATTRS) && b.isReadable()) {
                attrs = Buffers.readAttributes(b);
            }
        }
        return new ComChangeUserPacket(user, auth == null ? new byte[0] : auth, database, charset, plugin, attrs);
    }

    public void encode(ByteBuf b, int capabilities) {
        b.writeByte(Command.CHANGE_USER);
        Buffers.writeNulString(b, user);
        if (Capabilities.has(capabilities, Capabilities.SECURE_CONNECTION)) {
            b.writeByte(authResponse.length).writeBytes(authResponse);
        } else {
            b.writeBytes(authResponse).writeByte(0);
        }
        Buffers.writeNulString(b, database == null ? "" : database);
        b.writeShortLE(characterSet);
        if (Capabilities.has(capabilities, Capabilities.PLUGIN_AUTH)) {
            Buffers.writeNulString(b, authPluginName == null ? "" : authPluginName);
        }
        if (Capabilities.has(capabilities, Capabilities.CONNECT_ATTRS)) {
            Buffers.writeAttributes(b, attributes);
        }
    }

    @Override
    public String toString() {
        return "ComChangeUserPacket[user=" + user + ", database=" + database + ", characterSet=" + characterSet
                + ", plugin=" + authPluginName + ", authResponse=" + authResponse.length + " bytes, attributes="
                + attributes.keySet() + "]";
    }
}
