package io.mysqlha.service.sql;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.TlsMode;
import io.mysqlha.service.SecretResolver;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster's {@code tls} towards its nodes, resolved: the mode and the CA certificate(s) read from their secret.
 * Applies them to the suite's SQL connections (Vert.x) and to the server's own tools (dump, binlog, client) as their
 * command-line options. A missing CA secret is said when the settings are read, naming the secret.
 *
 * @param caPem the CA certificate(s) in PEM, or null when the spec names none
 */
public record NodeTlsSettings(TlsMode mode, String caPem) {
    public static final NodeTlsSettings PREFERRED = new NodeTlsSettings(TlsMode.PREFERRED, null);

    public static NodeTlsSettings of(ClusterSpec spec, SecretResolver secrets) {
        String ca = spec.tls().ca() == null ? null : secrets.resolve(spec.tls().ca()).reveal();
        return new NodeTlsSettings(spec.tls().mode(), ca);
    }

    /** The Vert.x client's options: its ssl-mode, and trust in the CA (any certificate when none is checked). */
    public MySQLConnectOptions applyTo(MySQLConnectOptions o) {
        o.setSslMode(SslMode.valueOf(mode.name()));
        if (mode.verifies()) {
            o.setPemTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem)));
            o.setHostnameVerificationAlgorithm(mode == TlsMode.VERIFY_IDENTITY ? "HTTPS" : "");
        } else if (mode != TlsMode.DISABLED) {
            o.setTrustAll(true); // encrypted, unchecked: what preferred and required promise, as MySQL's clients
        }
        return o;
    }

    /**
     * The options that give a server tool ({@code mariadb-dump}, {@code mysqlbinlog}...) this TLS; when the mode
     * checks the certificate, the CA is written into {@code caDir} for the tool to read.
     */
    public List<String> toolArguments(Flavour flavour, Path caDir) {
        Path caFile = writeCa(caDir);
        List<String> args = new ArrayList<>();
        if (flavour == Flavour.MYSQL) {
            args.add("--ssl-mode=" + mode.name());
            if (mode.verifies()) {
                args.add("--ssl-ca=" + caFile);
            }
            return args;
        }
        // MariaDB's tools: TLS on by default when the server offers it; the CA and host checked when asked
        switch (mode) {
            case DISABLED -> args.add("--skip-ssl");
            case PREFERRED -> { }
            case REQUIRED -> args.add("--ssl");
            case VERIFY_CA -> args.add("--ssl-ca=" + caFile);
            case VERIFY_IDENTITY -> {
                args.add("--ssl-ca=" + caFile);
                args.add("--ssl-verify-server-cert");
            }
        }
        return args;
    }

    /** Writes the CA where a tool reads it ({@code dir/nodes-ca.pem}, owner-only); null when none is checked. */
    private Path writeCa(Path dir) {
        if (!mode.verifies()) {
            return null;
        }
        Path file = dir.resolve("nodes-ca.pem");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, caPem);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the nodes' CA to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "NodeTlsSettings[" + mode.specName() + (caPem == null ? "" : ", with a CA") + "]";
    }
}
