package io.mysqlha.domain;

/**
 * TLS on a gateway listener, towards applications: the listener offers {@code CLIENT_SSL} in its greeting.
 *
 * @param cert    name of the secret holding the certificate chain (PEM), the server's certificate first
 * @param key     name of the secret holding its private key (PEM, PKCS#8: {@code BEGIN PRIVATE KEY})
 * @param require refuse a client that logs in without TLS, as a server with {@code require_secure_transport=ON}
 *                does (default false: TLS is offered, and preferred by the drivers that see it offered)
 */
public record ListenerTls(String cert, String key, Boolean require) {
    public ListenerTls {
        require = require != null && require;
    }
}
