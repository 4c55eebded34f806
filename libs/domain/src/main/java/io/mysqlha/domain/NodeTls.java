package io.mysqlha.domain;

/**
 * TLS from the suite (probe, failover, backup and its tools, the gateway's backend connections, replicas re-pointed
 * by failover) to a cluster's nodes.
 *
 * @param mode how TLS is used (default {@link TlsMode#PREFERRED}, as every MySQL client)
 * @param ca   name of the secret holding the CA certificate(s) (PEM) the nodes' certificates are checked against;
 *             required by {@code verify_ca} and {@code verify_identity}
 */
public record NodeTls(TlsMode mode, String ca) {
    public static final NodeTls DEFAULTS = new NodeTls(null, null);

    public NodeTls {
        mode = mode == null ? TlsMode.PREFERRED : mode;
    }
}
