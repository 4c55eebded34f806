package io.mysqlha.protocol;

/** A packet that does not follow the protocol; the message says what and where, never the packet's content. */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
