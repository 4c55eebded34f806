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
        readable(server.key());
        return new NodeCertificates(ca, server);
    }

    /** The server options: these certificates, and TLS required. */
    public Map<String, String> serverConfig() {
        Map<String, String> c = offeredConfig();
        c.put(REQUIRE, "ON");
        return c;
    }

    /** The server options: these certificates, TLS offered (clients choose). */
    public Map<String, String> offeredConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("ssl-ca", authority.cert().toAbsolutePath().toString());
        c.put("ssl-cert", server.cert().toAbsolutePath().toString());
        c.put("ssl-key", server.key().toAbsolutePath().toString());
        return c;
    }

    /** The server certificate {@code name} signed by {@code authority}, made once in {@code dir} and kept. */
    public static NodeCertificates kept(Certificates authority, Path dir, String name) {
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        Certificates server = Files.exists(cert) && Files.exists(key) ? new Certificates(cert, key)
                : authority.sign(dir, name);
        readable(server.key());
        return new NodeCertificates(authority, server);
    }

    private static void readable(Path key) {
        try {
            // a test key, read by servers that run as the mysql user when the tests run as root
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
