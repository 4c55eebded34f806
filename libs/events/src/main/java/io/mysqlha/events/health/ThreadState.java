package io.mysqlha.events.health;

/** A replication thread as SHOW REPLICA STATUS reports it (Yes / Connecting / No). */
public enum ThreadState {
    RUNNING,
    CONNECTING,
    STOPPED
}
