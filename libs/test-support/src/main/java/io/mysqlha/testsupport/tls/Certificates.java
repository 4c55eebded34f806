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

    /** Makes one in {@code dir} with this common name (distinct names tell two certificates apart). */
    public static Certificates selfSigned(Path dir, String commonName) {
        try {
            Files.createDirectories(dir);
            Path cert = dir.resolve(commonName + "-cert.pem");
            Path key = dir.resolve(commonName + "-key.pem");
            Process p = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj", "/CN=" + commonName,
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out",
                    cert.toString())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make a certificate in " + dir + ": " + out);
            }
            return new Certificates(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
