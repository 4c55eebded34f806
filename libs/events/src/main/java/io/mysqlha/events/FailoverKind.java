package io.mysqlha.events;

/** Whether a primary change was forced by a failure or asked for by an operator. */
public enum FailoverKind {
    FAILOVER,
    SWITCHOVER
}
