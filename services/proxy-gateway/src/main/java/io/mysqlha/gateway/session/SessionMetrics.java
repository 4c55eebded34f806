package io.mysqlha.gateway.session;

/** What sessions report; implemented with meters by the service. Called on event loops: no blocking, no logging. */
public interface SessionMetrics {
    /** Why the gateway answered a client with an error of its own. */
    enum Cause { ACCESS_DENIED, BACKEND_UNAVAILABLE, HOLD_TIMEOUT, LOST_BACKEND, TRANSACTION_LOST, UNSUPPORTED_COMMAND,
        PROTOCOL, QUEUE_TIMEOUT }

    /** A client connection opened; returns the number open now (the session refuses it past the limit). */
    int opened();

    void closed();

    void refusedTooMany();

    void authenticated();

    void error(Cause cause);

    /** What counts the statements sent to this node ("host:port"): run once per statement (looked up once). */
    Runnable statements(String node);

    /** A backend connection to this node was opened and authenticated, or failed. */
    void backendConnect(String node, boolean ok);

    /** Statements waited this long for a backend (then went, or failed). */
    void held(long nanos);

    /** The listener's query digests. */
    io.mysqlha.gateway.sql.QueryDigests digests();

    /** An idle session gave its backend connections back. */
    void backendReleased();

    /** A statement the classifier could not read went to the writer. */
    void unclassified();

    /** A session was pinned to the writer, for this reason. */
    void pinned(String reason);

    /** A causal read waited this long for a reader to apply the session's last write, and it had (or not). */
    void causalWait(long nanos, boolean applied);
}
