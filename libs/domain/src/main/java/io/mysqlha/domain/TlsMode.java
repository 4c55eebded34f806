package io.mysqlha.domain;

/**
 * How the suite's connections to a cluster's nodes use TLS: the values of MySQL's {@code --ssl-mode}, with its
 * meaning. The gateway's connection to a node under {@link #PREFERRED} follows the application: TLS when the
 * application came to the gateway over TLS (MySQL Router's {@code server_ssl_mode=AS_CLIENT}), so a plain session
 * pays for no encryption and an encrypted one stays encrypted end to end.
 */
public enum TlsMode {
    /** Never TLS. */
    DISABLED,
    /** TLS when the node offers it, else in clear; the certificate is not checked. */
    PREFERRED,
    /** TLS always (a node that offers none is refused); the certificate is not checked. */
    REQUIRED,
    /** TLS always, with a certificate signed by the cluster's CA ({@code tls.ca}). */
    VERIFY_CA,
    /** As VERIFY_CA, and the certificate names the node's host (its DNS name or IP address). */
    VERIFY_IDENTITY;

    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a connection without TLS is refused. */
    public boolean required() {
        return compareTo(REQUIRED) >= 0;
    }

    /** Whether the node's certificate is checked against the CA. */
    public boolean verifies() {
        return compareTo(VERIFY_CA) >= 0;
    }
}
