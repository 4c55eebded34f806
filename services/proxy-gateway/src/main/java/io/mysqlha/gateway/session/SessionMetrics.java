package io.mysqlha.gateway.session;

/** What sessions report; implemented with meters by the service, with counters in tests. */
public interface SessionMetrics {
    /** A client connection opened; returns the number open now (the session refuses it past the limit). */
    int opened();

    void closed();

    void refusedTooMany();

    void authenticated();

    void authFailed();

    void backendUnavailable();
}
