package io.mysqlha.probe.io;

import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ProbeFailure.Reason;
import io.mysqlha.probe.core.UnexpectedResultException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.mysqlclient.MySQLException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Why a probe failed, from what the client threw. An authentication failure means the server is alive and
 * answering: it must never read as "dead".
 */
public final class FailureClassifier {
    // https://mariadb.com/kb/en/mariadb-error-code-reference/
    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_DBACCESS_DENIED = 1044;
    private static final int ER_CON_COUNT = 1040;
    private static final int ER_TOO_MANY_USER_CONNECTIONS = 1203;
    private static final int ER_SECURE_TRANSPORT_REQUIRED = 3159;

    private FailureClassifier() {
    }

    public static ProbeFailure classify(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MySQLException m) {
                Reason reason = switch (m.getErrorCode()) {
                    case ER_ACCESS_DENIED, ER_DBACCESS_DENIED, ER_SECURE_TRANSPORT_REQUIRED -> Reason.AUTH_FAILURE;
                    case ER_CON_COUNT, ER_TOO_MANY_USER_CONNECTIONS -> Reason.TOO_MANY_CONNECTIONS;
                    default -> Reason.OTHER;
                };
                return new ProbeFailure(reason, m.getErrorCode(), m.getErrorCode() == ER_SECURE_TRANSPORT_REQUIRED
                        ? m.getMessage() + " (the node requires TLS: set the cluster's tls.mode to preferred or above)"
                        : m.getMessage());
            }
            if (t instanceof javax.net.ssl.SSLException) {
                // the server answered and offered TLS: alive, but the suite cannot log in as the spec says
                Throwable why = t.getCause() != null ? t.getCause() : t;
                return new ProbeFailure(Reason.AUTH_FAILURE, null, "the TLS handshake failed (" + why.getMessage()
                        + "): check the cluster's tls.mode and tls.ca against the node's certificate");
            }
            if (t instanceof ProbeTimeoutException || t instanceof ConnectTimeoutException) {
                return new ProbeFailure(Reason.TIMEOUT, null, t.getMessage());
            }
            if (t instanceof UnknownHostException) {
                return new ProbeFailure(Reason.OTHER, null, "host name does not resolve: " + t.getMessage());
            }
            if (t instanceof NoRouteToHostException) {
                return new ProbeFailure(Reason.OTHER, null, "no route to host: " + t.getMessage());
            }
            if (t instanceof ConnectException) {
                String message = String.valueOf(t.getMessage());
                return new ProbeFailure(message.toLowerCase(Locale.ROOT).contains("refused") ? Reason.REFUSED : Reason.OTHER,
                        null, message);
            }
            if (t instanceof UnexpectedResultException) {
                return new ProbeFailure(Reason.OTHER, null, "unexpected result: " + t.getMessage());
            }
            if (t instanceof ClosedChannelException || isClosedConnection(t)) {
                return new ProbeFailure(Reason.OTHER, null, "the server closed the connection mid-probe");
            }
        }
        return new ProbeFailure(Reason.OTHER, null, thrown.getClass().getSimpleName() + ": " + thrown.getMessage());
    }

    /** Vert.x reports a connection closed under a pending query as a VertxException with this message. */
    private static boolean isClosedConnection(Throwable t) {
        return t.getClass().getSimpleName().equals("ClosedConnectionException")
                || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connection was closed")
                || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("pending requests are failed");
    }
}
