package io.mysqlha.gateway.session;

import io.mysqlha.protocol.ErrPacket;
import io.mysqlha.protocol.HandshakeV10Packet;
import io.netty.buffer.ByteBuf;

/**
 * Who a backend connection reports to: the role it plays for its owner (a session's writer or reader connection, a
 * one-shot KILL). A connection calls only its listener, never a session, so the same connection can serve another
 * owner later (a pool's).
 */
interface BackendListener {
    /** The node greeted the gateway (before authentication). */
    default void greeted(HandshakeV10Packet greeting) {
    }

    /** Authenticated and set up: ready for commands, with the node's status flags. */
    void ready(BackendSession b, int statusFlags);

    /** The node refused the login (its own error packet). */
    void refused(BackendSession b, ErrPacket err);

    /** The connection failed: to connect, during the login, or later; it is closed. */
    void failed(BackendSession b, String why);

    /** A frame of an answer to the owner's command: the listener takes it (and releases it). */
    default void frame(BackendSession b, ByteBuf frame) {
        frame.release();
    }

    /** Whether frames in the middle of a result set may go straight on through {@link #passOn}. */
    default boolean passesOn(BackendSession b) {
        return false;
    }

    /** A frame of the run being read, at {@code at}, on its way to the client unchanged. */
    default void passOn(BackendSession b, int at, int length) {
    }

    /** The connection handed on everything of {@code run}: what is pending of it goes out before it is released. */
    default void endOfRun(ByteBuf run) {
    }

    /** The end of a batch of reads from the node. */
    default void readComplete(BackendSession b) {
    }

    /** The connection to the node can take writes again. */
    default void writable(BackendSession b) {
    }

    /** What a connection given up reports to: nothing more reaches its former owner. */
    BackendListener DETACHED = new BackendListener() {
        @Override
        public void ready(BackendSession b, int statusFlags) {
            b.close();
        }

        @Override
        public void refused(BackendSession b, ErrPacket err) {
        }

        @Override
        public void failed(BackendSession b, String why) {
        }
    };
}
