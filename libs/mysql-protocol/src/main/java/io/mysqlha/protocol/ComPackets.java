package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** The simple commands the gateway reads or writes itself (MySQL docs: "Text Protocol", "Utility Commands"). */
public final class ComPackets {
    private ComPackets() {
    }

    /** COM_QUERY: the statement text (query attributes are not negotiated by the gateway). */
    public record ComQueryPacket(String query) {
        public static ComQueryPacket decode(ByteBuf b) {
            expect(b, Command.QUERY);
            return new ComQueryPacket(b.readCharSequence(b.readableBytes(), StandardCharsets.UTF_8).toString());
        }

        public void encode(ByteBuf b) {
            b.writeByte(Command.QUERY).writeBytes(query.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** COM_INIT_DB: change the default schema. */
    public record ComInitDbPacket(String schema) {
        public static ComInitDbPacket decode(ByteBuf b) {
            expect(b, Command.INIT_DB);
            return new ComInitDbPacket(b.readCharSequence(b.readableBytes(), StandardCharsets.UTF_8).toString());
        }

        public void encode(ByteBuf b) {
            b.writeByte(Command.INIT_DB).writeBytes(schema.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** COM_PROCESS_KILL: kill a connection by id. */
    public record ComProcessKillPacket(long connectionId) {
        public static ComProcessKillPacket decode(ByteBuf b) {
            expect(b, Command.PROCESS_KILL);
            Buffers.need(b, 4, "COM_PROCESS_KILL connection id");
            return new ComProcessKillPacket(b.readUnsignedIntLE());
        }

        public void encode(ByteBuf b) {
            b.writeByte(Command.PROCESS_KILL).writeIntLE((int) connectionId);
        }
    }

    /** COM_SET_OPTION: multi-statements on (0) or off (1). */
    public record ComSetOptionPacket(int option) {
        public static ComSetOptionPacket decode(ByteBuf b) {
            expect(b, Command.SET_OPTION);
            Buffers.need(b, 2, "COM_SET_OPTION option");
            return new ComSetOptionPacket(b.readUnsignedShortLE());
        }

        public void encode(ByteBuf b) {
            b.writeByte(Command.SET_OPTION).writeShortLE(option);
        }
    }

    private static void expect(ByteBuf b, int command) {
        Buffers.need(b, 1, Command.name(command));
        int got = b.readUnsignedByte();
        if (got != command) {
            throw new ProtocolException("expected " + Command.name(command) + ", got " + Command.name(got));
        }
    }
}
