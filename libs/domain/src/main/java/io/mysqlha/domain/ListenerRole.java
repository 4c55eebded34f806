package io.mysqlha.domain;

/** What a gateway listener serves: ProxySQL's writer and reader hostgroups as two ports. */
public enum ListenerRole {
    /** Statements go to the writer, or are split per statement when the routing policy allows. */
    READ_WRITE,
    /** Every statement goes to a reader; the writer only when it is also a reader. */
    READ_ONLY;

    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
