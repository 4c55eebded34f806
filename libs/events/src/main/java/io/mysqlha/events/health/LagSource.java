package io.mysqlha.events.health;

/** Where a lag figure came from. */
public enum LagSource {
    /** The heartbeat row the probe writes on the writer, read on the replica: millisecond precision. */
    HEARTBEAT,
    /** Seconds_Behind_Master: whole seconds, and 0 while the IO thread is behind. */
    SECONDS_BEHIND,
    /** Group Replication or Aurora's own figures. */
    SERVER_REPORTED
}
