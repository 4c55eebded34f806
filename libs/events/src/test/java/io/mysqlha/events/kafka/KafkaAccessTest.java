package io.mysqlha.events.kafka;

import io.mysqlha.domain.Secret;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.security.auth.login.AppConfigurationEntry;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaAccessTest {
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void plaintextIsTheBootstrapServersAndTheClientsOwnSettings() {
        KafkaAccess k = KafkaAccess.plaintext("127.0.0.1:9092");
        assertEquals(Map.of("bootstrap.servers", "127.0.0.1:9092", "client.id", "x"), k.config(Map.of("client.id", "x")));
        assertFalse(k.secured());
        assertEquals("127.0.0.1:9092", k.toString());
    }

    @Test
    void scramOverTlsGivesKafkasClientsTheUserThePasswordAndTheCa() {
        String password = "p\"a\\ss word;";
        KafkaAccess k = KafkaAccess.secured("b:9093", "sasl_ssl", "scram-sha-512", "probe", Secret.of(password), CA);
        Map<String, Object> c = k.config(Map.of());
        assertEquals("SASL_SSL", c.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", c.get(SaslConfigs.SASL_MECHANISM));
        assertEquals("PEM", c.get(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG));
        assertEquals(CA, c.get(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG));
        // Kafka's own parser reads back exactly the user and the password, quotes and backslashes included
        AppConfigurationEntry entry = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG,
                new Password((String) c.get(SaslConfigs.SASL_JAAS_CONFIG)))).configurationEntries().getFirst();
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", entry.getLoginModuleName());
        assertEquals("probe", entry.getOptions().get("username"));
        assertEquals(password, entry.getOptions().get("password"));
        assertTrue(k.secured());
        assertEquals("b:9093 (SASL_SSL, SCRAM-SHA-512 as probe, brokers' CA given)", k.toString());
        assertFalse(k.toString().contains("ss word"));
    }

    @Test
    void theClientsOwnSettingsComeLast() {
        KafkaAccess k = KafkaAccess.secured("b:9093", "SSL", "SCRAM-SHA-512", null, null, null);
        assertEquals("SSL", k.config(Map.of()).get("security.protocol"));
        assertFalse(k.config(Map.of()).containsKey(SaslConfigs.SASL_JAAS_CONFIG), "no SASL over plain SSL");
        assertEquals("other", k.config(Map.of("bootstrap.servers", "other")).get("bootstrap.servers"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SASL_TLS|SCRAM-SHA-512|u|p|security protocol 'SASL_TLS': expected one of PLAINTEXT, SASL_PLAINTEXT, SASL_SSL, SSL",
            "SASL_SSL|GSSAPI|u|p|SASL mechanism 'GSSAPI': expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
            "SASL_SSL|SCRAM-SHA-512||p|a SASL user is required with SASL_SSL",
            "SASL_PLAINTEXT|SCRAM-SHA-512|u||a SASL password is required with SASL_PLAINTEXT (user u)",
    })
    void anIncompleteSettingIsNamed(String protocol, String mechanism, String user, String password, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> KafkaAccess.secured("b:1", protocol, mechanism,
                user, password == null ? null : Secret.of(password), null));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aCaThatIsNotPemIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> KafkaAccess.secured("b:1", "SSL", "PLAIN", null,
                null, "/etc/ssl/ca.pem"));
        assertEquals("the brokers' CA is not a PEM certificate (-----BEGIN CERTIFICATE-----)", e.getMessage());
    }

    @Test
    void clientPropertiesTakeOnlySecuritySettings() {
        KafkaAccess k = KafkaAccess.fromProperties("b:1", Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "ssl.truststore.location", "/ca.pem"), "cli.properties");
        assertEquals("/ca.pem", k.config(Map.of()).get("ssl.truststore.location"));
        assertEquals("b:1 (SASL_SSL, SCRAM-SHA-512, from cli.properties)", k.toString());
        KafkaAccess as = KafkaAccess.fromProperties("b:1", Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ops\" password=\"s3\";"),
                "ops.properties");
        assertEquals("b:1 (SASL_SSL as ops, from ops.properties)", as.toString());
        var typo = assertThrows(IllegalArgumentException.class, () -> KafkaAccess.fromProperties("b:1",
                Map.of("security.protocl", "SASL_SSL"), "cli.properties"));
        assertEquals("cli.properties: 'security.protocl' is not a security setting (security.protocol, sasl.*,"
                + " ssl.* only)", typo.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> KafkaAccess.fromProperties("b:1",
                Map.of("security.protocol", "TLS"), "cli.properties"));
        assertTrue(bad.getMessage().startsWith("cli.properties: security.protocol 'TLS'"), bad.getMessage());
    }
}
