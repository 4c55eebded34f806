package io.mysqlha.testsupport.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made with Debian's {@code openssl} (the key as
 * PKCS#8 PEM, as the gateway reads it): the certificate is its own CA, so a client that trusts it can verify the
 * server's identity.
 *
 * @param cert the certificate (PEM), also the CA a verifying client trusts
 * @param key  its private key (PEM, PKCS#8)
 */
public record Certificates(Path cert, Path key) {

    private static final String SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost";

    /** Makes one in {@code dir} with this common name (distinct names tell two certificates apart). */
    public static Certificates selfSigned(Path dir, String commonName) {
        Path cert = dir.resolve(commonName + "-cert.pem");
        Path key = dir.resolve(commonName + "-key.pem");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
                "30", "-subj", "/CN=" + commonName, "-addext", SAN, "-keyout", key.toString(), "-out", cert.toString());
        return new Certificates(cert, key);
    }

    /** A certificate authority of its own (ten years), to sign server certificates with. */
    public static Certificates authority(Path dir, String commonName) {
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca-key.pem");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
                "3650", "-subj", "/CN=" + commonName, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign", "-keyout", key.toString(), "-out", cert.toString());
        return new Certificates(cert, key);
    }

    /** A server certificate for 127.0.0.1 and localhost (about two years), signed by this authority. */
    public Certificates sign(Path dir, String commonName) {
        Path cert = dir.resolve(commonName + "-cert.pem");
        Path key = dir.resolve(commonName + "-key.pem");
        Path request = dir.resolve(commonName + ".csr");
        Path extensions = dir.resolve(commonName + ".ext");
        try {
            Files.writeString(extensions, SAN + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                "/CN=" + commonName, "-keyout", key.toString(), "-out", request.toString());
        openssl(dir, "x509", "-req", "-in", request.toString(), "-CA", this.cert.toString(), "-CAkey",
                this.key.toString(), "-CAcreateserial", "-days", "825", "-extfile", extensions.toString(), "-out",
                cert.toString());
        return new Certificates(cert, key);
    }

    private static void openssl(Path dir, String... args) {
        try {
            Files.createDirectories(dir);
            List<String> command = new java.util.ArrayList<>(List.of("openssl"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + args[0] + " failed in " + dir + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client's TLS context: this certificate and key as the client's identity (null: none), trusting the
     * certificates of {@code trusted} (a CA, or a self-signed server certificate).
     */
    public static javax.net.ssl.SSLContext clientContext(Certificates identity, Certificates trusted) {
        try {
            var factory = java.security.cert.CertificateFactory.getInstance("X.509");
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (var in = Files.newInputStream(trusted.cert())) {
                trust.setCertificateEntry("trusted", factory.generateCertificate(in));
            }
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.KeyManager[] keys = null;
            if (identity != null) {
                String pem = identity.keyPem();
                String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                var key = java.security.KeyFactory.getInstance("EC").generatePrivate(
                        new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(body)));
                java.security.cert.Certificate cert;
                try (var in = Files.newInputStream(identity.cert())) {
                    cert = factory.generateCertificate(in);
                }
                java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("me", key, new char[0], new java.security.cert.Certificate[] {cert});
                var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, new char[0]);
                keys = kmf.getKeyManagers();
            }
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys, tmf.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a client TLS context: " + e.getMessage(), e);
        }
    }

    public String certPem() {
        return read(cert);
    }

    public String keyPem() {
        return read(key);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
