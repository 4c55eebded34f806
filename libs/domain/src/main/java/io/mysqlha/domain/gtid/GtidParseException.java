package io.mysqlha.domain.gtid;

/** A GTID string that is not in the flavour's notation; the message quotes the part that is wrong. */
public final class GtidParseException extends IllegalArgumentException {
    public GtidParseException(String message) {
        super(message);
    }
}
