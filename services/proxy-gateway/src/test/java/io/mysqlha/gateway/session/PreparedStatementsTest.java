package io.mysqlha.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PreparedStatementsTest {
    /** COM_STMT_EXECUTE for statement 7 with two parameters: an INT 5 and a VARCHAR 'ab', types sent or not. */
    private static ByteBuf execute(boolean withTypes) {
        ByteBuf payload = Unpooled.buffer();
        payload.writeByte(0x17).writeIntLE(7).writeByte(0).writeIntLE(1);
        payload.writeByte(0); // NULL bitmap: one byte for two parameters
        payload.writeByte(withTypes ? 1 : 0);
        if (withTypes) {
            payload.writeShortLE(0x03).writeShortLE(0x0f); // LONG, VARCHAR
        }
        payload.writeIntLE(5).writeByte(2).writeBytes("ab".getBytes());
        ByteBuf frame = Unpooled.buffer();
        frame.writeMediumLE(payload.readableBytes()).writeByte(0).writeBytes(payload);
        return frame;
    }

    @Test
    void readsAndRewritesTheStatementId() {
        ByteBuf frame = execute(true);
        assertEquals(7, PreparedStatements.statementId(frame));
        PreparedStatements.statementId(frame, 42);
        assertEquals(42, PreparedStatements.statementId(frame));
        assertEquals(0, PreparedStatements.executeFlags(frame));
    }

    @Test
    void keepsTheTypesAClientSentAndGivesThemToABackendThatNeverSawThem() {
        byte[] types = PreparedStatements.types(execute(true), 2);
        assertArrayEquals(new byte[] {3, 0, 0x0f, 0}, types);
        assertNull(PreparedStatements.types(execute(false), 2), "none sent");
        ByteBuf rebuilt = PreparedStatements.withTypes(execute(false), 2, types, ByteBufAllocator.DEFAULT);
        ByteBuf expected = execute(true);
        assertEquals(ByteBufUtilHex.hex(expected), ByteBufUtilHex.hex(rebuilt));
        assertNull(PreparedStatements.withTypes(execute(true), 2, types, ByteBufAllocator.DEFAULT),
                "an execute that already has them is left as it is");
    }

    @Test
    void idsAreTheGatewaysAndBackendsAreForgotten() {
        PreparedStatements ps = new PreparedStatements();
        var a = ps.prepared(null, 100, "SELECT 1", null, 0);
        var b = ps.prepared(null, 100, "SELECT 2", null, 0);
        assertNotEquals(a.clientId, b.clientId, "two backends may give the same id; the client never sees it");
        assertEquals("SELECT 2", ps.get(b.clientId).sql);
        ps.remove(a.clientId);
        assertNull(ps.get(a.clientId));
        ps.clear();
        assertEquals(0, ps.size());
    }

    private static final class ByteBufUtilHex {
        static String hex(ByteBuf b) {
            return io.netty.buffer.ByteBufUtil.hexDump(b);
        }
    }
}
