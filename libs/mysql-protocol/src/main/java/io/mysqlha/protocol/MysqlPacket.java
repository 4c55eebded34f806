package io.mysqlha.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One logical packet: its payload joined from as many frames as it took (a payload of 16 MiB - 1 or more is sent
 * as several frames, MySQL docs "Sending More Than 16Mb"). The next packet of the exchange carries sequence id
 * {@link #nextSequenceId()}. Owns its payload: release it once.
 *
 * @param sequenceId the first frame's sequence id
 * @param frames     how many frames it arrived in
 */
public record MysqlPacket(int sequenceId, int frames, ByteBuf payload) {

    public int nextSequenceId() {
        return (sequenceId + frames) & 0xff;
    }

    public int firstByte() {
        return payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
    }

    public void release() {
        payload.release();
    }
}
