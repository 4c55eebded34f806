package io.mysqlha.gateway;

import io.mysqlha.domain.ListenerTls;
import io.mysqlha.service.SecretResolver;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * A listener's TLS towards applications: its certificate chain and key, read from their secrets (PEM), as a server
 * context offering TLS 1.3 and 1.2 with the JDK's default (modern) cipher suites. {@link #refresh()} reads the
 * secrets again: a changed pair replaces the context for new connections (open ones keep theirs), a broken one is
 * reported and the previous pair stays. Never logs what the secrets hold, only the certificate's subject and expiry.
 */
final class ServerTls {
    private static final Logger LOG = Logger.getLogger(ServerTls.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final String listener;
    private final ListenerTls spec;
    private final SecretResolver secrets;
    private final io.netty.handler.ssl.SslProvider provider;
    private volatile SslContext context;
    private byte[] digest = new byte[0];

    ServerTls(String listener, ListenerTls spec, SecretResolver secrets) {
        this(listener, spec, secrets, io.netty.handler.ssl.SslProvider.JDK);
    }

    /** {@code provider}: the TLS engine, the JDK's or OpenSSL's (BoringSSL, netty-tcnative). */
    ServerTls(String listener, ListenerTls spec, SecretResolver secrets, io.netty.handler.ssl.SslProvider provider) {
        this.provider = provider;
        this.listener = listener;
        this.spec = spec;
        this.secrets = secrets;
        refresh();
    }

    ListenerTls spec() {
        return spec;
    }

    /** The context new connections get, or null while the secrets give none that works. */
    SslContext context() {
        return context;
    }

    /** Reads the secrets again; returns true when a new certificate took effect. */
    synchronized boolean refresh() {
        String cert;
        String key;
        try {
            cert = secrets.resolve(spec.cert()).reveal();
            key = secrets.resolve(spec.key()).reveal();
        } catch (RuntimeException e) {
            if (digest.length != 1) { // said once until the secrets come back
                LOG.errorf("gateway: listener %s: %s; %s", listener, e.getMessage(), context == null
                        ? "TLS is not offered" : "the certificate read before stays in use");
            }
            digest = new byte[] {0};
            return false;
        }
        byte[] now = sha256(cert + "\n" + key);
        if (Arrays.equals(now, digest)) {
            return false;
        }
        digest = now;
        try {
            SslContext built = SslContextBuilder.forServer(
                            new ByteArrayInputStream(cert.getBytes(StandardCharsets.US_ASCII)),
                            new ByteArrayInputStream(key.getBytes(StandardCharsets.US_ASCII)))
                    .sslProvider(provider).protocols(PROTOCOLS).build();
            boolean replaced = context != null;
            context = built;
            LOG.infof("gateway: listener %s %s TLS (%s, %s) with the certificate of secret %s: %s", listener,
                    replaced ? "now offers" : "offers", String.join(", ", PROTOCOLS), provider, spec.cert(),
                    describe(cert));
            return true;
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            LOG.errorf("gateway: listener %s: the certificate (secret %s) or its key (secret %s) cannot be used: %s;"
                    + " %s", listener, spec.cert(), spec.key(), e.getMessage(), context == null
                    ? "TLS is not offered until they are fixed (PEM, the key as PKCS#8: BEGIN PRIVATE KEY)"
                    : "the previous certificate stays in use");
            return false;
        }
    }

    private static String describe(String pem) {
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            return c.getSubjectX500Principal().getName() + ", valid until " + c.getNotAfter().toInstant();
        } catch (CertificateException | RuntimeException e) {
            return "(its subject cannot be read: " + e.getMessage() + ")";
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
