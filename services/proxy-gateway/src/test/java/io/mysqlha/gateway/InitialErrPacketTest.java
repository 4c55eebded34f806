package io.mysqlha.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InitialErrPacketTest {

    @Test
    void shouldEncodeTooManyConnectionsAsMysqldSendsIt() {
        ByteBuf buf = new InitialErrPacket(1040, "08004", "Too many connections")
                .encode(UnpooledByteBufAllocator.DEFAULT);
        try {
            // 3-byte length 29, sequence 0, 0xFF, code 1040 LE (0x0410), '#', "08004", message
            assertEquals("1d0000" + "00" + "ff" + "1004" + "23" + "3038303034"
                    + ByteBufUtil.hexDump("Too many connections".getBytes()), ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }
}
