package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class ComChangeUserPacketTest {
    private static final int ALL = Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH
            | Capabilities.CONNECT_ATTRS;

    @Test
    void shouldReadWhatItWritesWithEveryOptionalPart() {
        byte[] proof = new byte[20];
        proof[3] = 7;
        ComChangeUserPacket p = new ComChangeUserPacket("admin", proof, "app", 45, NativePassword.PLUGIN,
                Map.of("_client_name", "test"));
        ByteBuf b = Unpooled.buffer();
        p.encode(b, ALL);
        ComChangeUserPacket back = ComChangeUserPacket.decode(b.duplicate(), ALL);
        assertEquals("admin", back.user());
        assertArrayEquals(proof, back.authResponse());
        assertEquals("app", back.database());
        assertEquals(45, back.characterSet());
        assertEquals(NativePassword.PLUGIN, back.authPluginName());
        assertEquals(Map.of("_client_name", "test"), back.attributes());
        ByteBuf again = Unpooled.buffer();
        back.encode(again, ALL);
        assertEquals(ByteBufUtil.hexDump(b), ByteBufUtil.hexDump(again));
    }

    @Test
    void shouldReadAnOldClientsPacketWithoutCharsetOrPlugin() {
        // 0x11, "u\0", proof length 0, "db\0": what a client sends without the optional tail
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {0x11, 'u', 0, 0, 'd', 'b', 0});
        ComChangeUserPacket p = ComChangeUserPacket.decode(b, Capabilities.SECURE_CONNECTION);
        assertEquals("u", p.user());
        assertEquals(0, p.authResponse().length);
        assertEquals("db", p.database());
        assertEquals(0, p.characterSet());
        assertNull(p.authPluginName());
    }

    @Test
    void shouldNotPrintTheAuthResponse() {
        ComChangeUserPacket p = new ComChangeUserPacket("u", "SECRETPROOF".getBytes(), "", 0, null, Map.of());
        assertFalse(p.toString().contains("SECRETPROOF"), p.toString());
    }
}
