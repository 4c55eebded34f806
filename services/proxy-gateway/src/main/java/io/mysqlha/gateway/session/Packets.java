package io.mysqlha.gateway.session;

import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.function.Consumer;

/** Builds the frames the gateway itself sends (greeting, OK, ERR, auth switch). */
final class Packets {
    private Packets() {
    }

    static ByteBuf frame(ByteBufAllocator alloc, int sequenceId, Consumer<ByteBuf> payload) {
        ByteBuf p = alloc.buffer();
        try {
            payload.accept(p);
            ByteBuf out = alloc.buffer(p.readableBytes() + Frames.HEADER);
            Frames.write(out, p, sequenceId);
            return out;
        } finally {
            p.release();
        }
    }

    static ByteBuf err(ByteBufAllocator alloc, int sequenceId, int code, String sqlState, String message) {
        return frame(alloc, sequenceId, new ErrPacket(code, sqlState, message)::encode);
    }
}
