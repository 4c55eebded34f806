package io.mysqlha.events;

/** Alert severities, as Prometheus alert rules name them. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL
}
