package io.mysqlha.gateway;

import io.mysqlha.domain.NodeTls;
import io.mysqlha.domain.TlsMode;
import io.mysqlha.gateway.session.SessionContext;
import io.mysqlha.service.SecretResolver;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * A cluster's TLS towards its nodes, for the gateway's backend connections: a client context that trusts the CA of
 * the spec's {@code tls.ca} secret (verify_ca, verify_identity: the host checked too), or any certificate (preferred,
 * required: encrypted, unchecked, as MySQL's clients). {@link #refresh()} reads the CA again, so a rotated CA is used
 * by new connections without a restart; a broken one is reported and the previous stays.
 */
final class NodeTlsContext implements SessionContext.NodeTls {
    private static final Logger LOG = Logger.getLogger(NodeTlsContext.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final String clusterId;
    private final NodeTls spec;
    private final SecretResolver secrets;
    private volatile SslContext context;
    private volatile String problem;
    private String ca = "";

    NodeTlsContext(String clusterId, NodeTls spec, SecretResolver secrets) {
        this.clusterId = clusterId;
        this.spec = spec;
        this.secrets = secrets;
        refresh();
    }

    NodeTls spec() {
        return spec;
    }

    @Override
    public TlsMode mode() {
        return spec.mode();
    }

    @Override
    public String problem() {
        return problem;
    }

    @Override
    public SslHandler handler(ByteBufAllocator alloc, String host, int port) {
        SslContext c = context;
        if (c == null) {
            return null;
        }
        SslHandler handler = c.newHandler(alloc, host, port);
        if (spec.mode() == TlsMode.VERIFY_IDENTITY) {
            SSLEngine engine = handler.engine();
            SSLParameters p = engine.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate names the host (DNS name or IP address)
            engine.setSSLParameters(p);
        }
        return handler;
    }

    /** Reads the CA again when the mode checks certificates; builds the context when it changed. */
    synchronized void refresh() {
        if (spec.mode() == TlsMode.DISABLED) {
            return;
        }
        try {
            if (!spec.mode().verifies()) {
                if (context == null) {
                    context = SslContextBuilder.forClient().protocols(PROTOCOLS)
                            .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
                }
                return;
            }
            String now = secrets.resolve(spec.ca()).reveal();
            if (now.equals(ca)) {
                return;
            }
            context = SslContextBuilder.forClient().protocols(PROTOCOLS)
                    .trustManager(new ByteArrayInputStream(now.getBytes(StandardCharsets.US_ASCII))).build();
            boolean replaced = !ca.isEmpty();
            ca = now;
            problem = null;
            LOG.infof("gateway: cluster %s: connections to its nodes %s the CA of secret %s (tls.mode %s)", clusterId,
                    replaced ? "now check certificates against" : "check certificates against", spec.ca(),
                    spec.mode().specName());
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            String why = "the CA of secret " + spec.ca() + " cannot be used (" + e.getMessage() + "); give it the"
                    + " PEM certificate(s) that signed the nodes' certificates";
            if (!why.equals(problem)) {
                LOG.errorf("gateway: cluster %s: %s; %s", clusterId, why, context == null
                        ? "sessions cannot reach its nodes over TLS until it is fixed" : "the previous CA stays in use");
            }
            problem = why;
        }
    }
}
