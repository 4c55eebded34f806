package io.mysqlha.service.sql;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.TlsMode;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeTlsSettingsTest {
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @TempDir
    Path dir;

    /** Each mode as the server's own tools spell it ({ca} where the CA file goes). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "MYSQL   | DISABLED        | --ssl-mode=DISABLED",
        "MYSQL   | PREFERRED       | --ssl-mode=PREFERRED",
        "MYSQL   | REQUIRED        | --ssl-mode=REQUIRED",
        "MYSQL   | VERIFY_CA       | --ssl-mode=VERIFY_CA --ssl-ca={ca}",
        "MYSQL   | VERIFY_IDENTITY | --ssl-mode=VERIFY_IDENTITY --ssl-ca={ca}",
        "MARIADB | DISABLED        | --skip-ssl",
        "MARIADB | PREFERRED       | ''",
        "MARIADB | REQUIRED        | --ssl",
        "MARIADB | VERIFY_CA       | --ssl-ca={ca}",
        "MARIADB | VERIFY_IDENTITY | --ssl-ca={ca} --ssl-verify-server-cert"})
    void theToolsGetTheModeInTheirOwnOptions(Flavour flavour, TlsMode mode, String expected) throws Exception {
        NodeTlsSettings tls = new NodeTlsSettings(mode, mode.verifies() ? CA : null);
        Path caDir = dir.resolve("tls");
        List<String> args = tls.toolArguments(flavour, caDir);
        Path ca = caDir.resolve("nodes-ca.pem");
        List<String> want = expected.isEmpty() ? List.of()
                : Arrays.stream(expected.replace("{ca}", ca.toString()).split(" ")).toList();
        assertEquals(want, args);
        if (mode.verifies()) {
            assertEquals(CA, Files.readString(ca));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca)));
        } else {
            assertFalse(Files.exists(ca), "no CA written when none is checked");
        }
    }

    @Test
    void theSqlClientChecksWhatTheModeSaysAndTrustsAnyCertificateOtherwise() {
        MySQLConnectOptions required = new NodeTlsSettings(TlsMode.REQUIRED, null).applyTo(new MySQLConnectOptions());
        assertEquals(SslMode.REQUIRED, required.getSslMode());
        assertTrue(required.isTrustAll(), "encrypted, unchecked: what required promises");
        MySQLConnectOptions identity = new NodeTlsSettings(TlsMode.VERIFY_IDENTITY, CA)
                .applyTo(new MySQLConnectOptions());
        assertEquals(SslMode.VERIFY_IDENTITY, identity.getSslMode());
        assertFalse(identity.isTrustAll());
        assertEquals("HTTPS", identity.getHostnameVerificationAlgorithm());
        MySQLConnectOptions ca = new NodeTlsSettings(TlsMode.VERIFY_CA, CA).applyTo(new MySQLConnectOptions());
        assertEquals("", ca.getHostnameVerificationAlgorithm(), "the CA checked, not the host");
        assertEquals(SslMode.DISABLED, new NodeTlsSettings(TlsMode.DISABLED, null)
                .applyTo(new MySQLConnectOptions()).getSslMode());
    }

    @Test
    void itsStringNamesTheModeNotTheCertificate() {
        assertEquals("NodeTlsSettings[verify_ca, with a CA]", new NodeTlsSettings(TlsMode.VERIFY_CA, CA).toString());
    }
}
