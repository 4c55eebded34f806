package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SessionStateChangesTest {
    private static byte[] variable(String name, String value) {
        ByteBuf data = Unpooled.buffer();
        Buffers.writeLenencString(data, name);
        Buffers.writeLenencString(data, value);
        ByteBuf entry = Unpooled.buffer();
        entry.writeByte(SessionStateChanges.SYSTEM_VARIABLES);
        Buffers.writeLenencBytes(entry, Buffers.readRest(data));
        return Buffers.readRest(entry);
    }

    @Test
    void mariaDbSendsTheLastGtidAsASystemVariable() {
        byte[] a = variable("autocommit", "ON");
        byte[] b = variable("last_gtid", "0-1-42");
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertEquals("0-1-42", SessionStateChanges.lastGtid(both));
        assertNull(SessionStateChanges.lastGtid(a));
        assertNull(SessionStateChanges.lastGtid(variable("last_gtid", "")));
    }

    @Test
    void mysqlSendsAGtidsEntry() {
        ByteBuf data = Unpooled.buffer();
        data.writeByte(0);
        Buffers.writeLenencString(data, "3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
        ByteBuf entry = Unpooled.buffer();
        entry.writeByte(SessionStateChanges.GTIDS);
        Buffers.writeLenencBytes(entry, Buffers.readRest(data));
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:23", SessionStateChanges.lastGtid(Buffers.readRest(entry)));
    }

    @Test
    void aTruncatedListKeepsWhatWasRead() {
        byte[] b = variable("last_gtid", "0-1-7");
        byte[] cut = java.util.Arrays.copyOf(b, b.length + 2);
        cut[b.length] = 0;
        cut[b.length + 1] = 9; // an entry of 9 bytes that is not there
        assertEquals("0-1-7", SessionStateChanges.lastGtid(cut));
        assertNull(SessionStateChanges.lastGtid(new byte[] {0, 5, 1}));
    }
}
