package io.mysqlha.domain.gtid;

import io.mysqlha.domain.Flavour;

/**
 * The transactions a server has, in its flavour's notation. Positions of different flavours never compare:
 * doing so is a programming error and throws.
 */
public sealed interface GtidPosition permits MysqlGtidSet, MariaDbGtidPosition {

    Flavour flavour();

    /** True when every transaction in {@code other} is also in this position. */
    boolean contains(GtidPosition other);

    /** How many transactions this position has that {@code other} does not. */
    long transactionsNotIn(GtidPosition other);

    boolean isEmpty();

    /**
     * The independent sequences the position holds transactions of, each numbered from 1: MariaDB's replication
     * domains ({@code "0"}), MySQL's sources ({@code "uuid"} or {@code "uuid:tag"}).
     */
    java.util.Set<String> streams();

    /** The highest transaction number of {@code stream} in this position; 0 when it has none. */
    long highest(String stream);

    /** Every transaction of this position and of {@code other}. */
    GtidPosition union(GtidPosition other);

    /** The canonical text, as the server would print it. */
    @Override
    String toString();

    static GtidPosition parse(Flavour flavour, String text) {
        return switch (flavour) {
            case MYSQL -> MysqlGtidSet.parse(text);
            case MARIADB -> MariaDbGtidPosition.parse(text);
        };
    }

    static GtidPosition empty(Flavour flavour) {
        return parse(flavour, "");
    }
}
