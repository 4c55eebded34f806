package io.mysqlha.service.api;

/** What an API token may do. */
public enum ApiRole {
    /** Reads (when reads are not open to everyone). */
    VIEWER,
    /** Reads, and every call that changes something: switchover, acknowledge, backup, restore. */
    OPERATOR;

    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
