package io.mysqlha.gateway.session;

/**
 * One session as the admin API shows it (read from another thread: a snapshot that may be a moment old).
 *
 * @param backend         "host:port" of the node it uses now, null when it has none (waiting, or idle after a loss)
 * @param backendThreadId the node's own id for the backend connection (what the node's processlist shows)
 * @param held            statements waiting for a backend
 * @param reader          with splitting: "host:port" of the reader its reads go to (null: none opened, or lost)
 * @param pinnedBecause   with splitting: why every statement goes to the writer (null: it is not pinned)
 * @param keptBecause     with multiplexing: why the session keeps its writer connection between statements (null:
 *                        it gives it back to the pool)
 */
public record SessionView(long id, String cluster, String listener, String user, String client, String backend,
                          Long backendThreadId, boolean inTransaction, int held, String reader,
                          String pinnedBecause, String keptBecause) {
}
