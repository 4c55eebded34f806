package io.mysqlha.probe.io;

import io.mysqlha.events.health.ProbeFailure.Reason;
import io.mysqlha.probe.core.UnexpectedResultException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.mysqlclient.MySQLException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureClassifierTest {

    @Test
    void shouldTellAuthFailureFromDeath() {
        var f = FailureClassifier.classify(new MySQLException("Access denied for user 'mysqlha_monitor'@'127.0.0.1'"
                + " (using password: YES)", 1045, "28000"));
        assertEquals(Reason.AUTH_FAILURE, f.reason());
        assertEquals(1045, f.errorCode());
    }

    @Test
    void shouldTellATlsMismatchFromDeathAndSayWhatToCheck() {
        var handshake = FailureClassifier.classify(new CompletionException(new javax.net.ssl.SSLHandshakeException(
                "PKIX path building failed")));
        assertEquals(Reason.AUTH_FAILURE, handshake.reason(), "the node answered: alive");
        assertTrue(handshake.message().contains("tls.ca") && handshake.message().contains("PKIX"),
                handshake.message());
        var clear = FailureClassifier.classify(new MySQLException("Connections using insecure transport are"
                + " prohibited while --require_secure_transport=ON.", 3159, "HY000"));
        assertEquals(Reason.AUTH_FAILURE, clear.reason());
        assertTrue(clear.message().contains("tls.mode"), clear.message());
    }

    @Test
    void shouldClassifyEachWayAProbeFails() {
        assertEquals(Reason.TOO_MANY_CONNECTIONS,
                FailureClassifier.classify(new MySQLException("Too many connections", 1040, "08004")).reason());
        assertEquals(Reason.REFUSED,
                FailureClassifier.classify(new ConnectException("Connection refused: /127.0.0.1:3307")).reason());
        assertEquals(Reason.TIMEOUT, FailureClassifier.classify(new ProbeTimeoutException(400, "connect")).reason());
        assertEquals(Reason.TIMEOUT, FailureClassifier.classify(new ConnectTimeoutException("timed out")).reason());
        var dns = FailureClassifier.classify(new CompletionException(new UnknownHostException("db9.invalid")));
        assertEquals(Reason.OTHER, dns.reason());
        assertTrue(dns.message().contains("does not resolve"), dns.message());
        var closed = FailureClassifier.classify(new VertxException("Connection was closed", true));
        assertTrue(closed.message().contains("closed the connection"), closed.message());
        var shape = FailureClassifier.classify(new UnexpectedResultException("no column Slave_IO_Running"));
        assertTrue(shape.message().startsWith("unexpected result"), shape.message());
        assertEquals(Reason.OTHER, FailureClassifier.classify(new MySQLException("Unknown", 1193, "HY000")).reason());
    }
}
