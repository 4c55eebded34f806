package io.mysqlha.testsupport.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TLS for test servers that require it: a CA of their own and one server certificate it signed for 127.0.0.1 and
 * localhost (every node of a test topology listens there), as the servers' {@code ssl-ca}, {@code ssl-cert} and
 * {@code ssl-key} with {@code require-secure-transport=ON}: a login in clear over TCP is refused (3159).
 *
 * @param authority the CA (its certificate is what a cluster spec's {@code tls.ca} secret holds)
 * @param server    the nodes' certificate and key
 */
public record NodeCertificates(Certificates authority, Certificates server) {

    /** The server option that marks a node as requiring TLS (how test support knows to connect over TLS). */
    public static final String REQUIRE = "require-secure-transport";

    public static NodeCertificates make(Path dir) {
        Certificates ca = Certificates.authority(dir, "mysqlha-test-nodes-ca");
        Certificates server = ca.sign(dir, "mysqlha-test-node");
        try {
            // a test key, read by servers that run as the mysql user when the tests run as root
            Files.setPosixFilePermissions(server.key(), PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new NodeCertificates(ca, server);
    }

    /** The server options: these certificates, and TLS required. */
    public Map<String, String> serverConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("ssl-ca", authority.cert().toAbsolutePath().toString());
        c.put("ssl-cert", server.cert().toAbsolutePath().toString());
        c.put("ssl-key", server.key().toAbsolutePath().toString());
        c.put(REQUIRE, "ON");
        return c;
    }
}
