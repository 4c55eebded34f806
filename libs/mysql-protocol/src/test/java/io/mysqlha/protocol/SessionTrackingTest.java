package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SessionTrackingTest {
    private static ByteBuf frame(OkPacket ok, int capabilities) {
        ByteBuf payload = Unpooled.buffer();
        ok.encode(payload, capabilities);
        ByteBuf f = Unpooled.buffer();
        f.writeMediumLE(payload.readableBytes()).writeByte(1).writeBytes(payload);
        return f;
    }

    @Test
    void anOkWithSessionStateBecomesTheOkOfAClientWithoutTracking() {
        byte[] state = {0, 10, 9, 'l', 'a', 's', 't', '_', 'g', 't', 'i', 'd'};
        int tracked = ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED;
        ByteBuf withState = frame(new OkPacket(0, 3, 70000, tracked, 1, "Rows matched: 3", state),
                Capabilities.SESSION_TRACK);
        SessionTracking.strip(withState);
        ByteBuf expected = frame(new OkPacket(0, 3, 70000, ServerStatus.AUTOCOMMIT, 1, "Rows matched: 3", null), 0);
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(withState));
    }

    @Test
    void anOkWithNothingAfterItsWarningsKeepsItsLength() {
        ByteBuf plain = frame(new OkPacket(0, 0, 0, ServerStatus.AUTOCOMMIT, 0, "", null), Capabilities.SESSION_TRACK);
        String before = ByteBufUtil.hexDump(plain);
        SessionTracking.strip(plain);
        assertEquals(before, ByteBufUtil.hexDump(plain));
    }

    @Test
    void anEmptyInfoWithStateLeavesNoInfo() {
        byte[] state = {0, 2, 1, 'x'};
        ByteBuf withState = frame(new OkPacket(0xfe, 0, 0, ServerStatus.SESSION_STATE_CHANGED, 0, "", state),
                Capabilities.SESSION_TRACK);
        SessionTracking.strip(withState);
        assertEquals(ByteBufUtil.hexDump(frame(new OkPacket(0xfe, 0, 0, 0, 0, "", null), 0)),
                ByteBufUtil.hexDump(withState));
    }
}
