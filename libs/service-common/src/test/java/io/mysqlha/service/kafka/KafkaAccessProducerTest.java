package io.mysqlha.service.kafka;

import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A service's Kafka settings: what they resolve to, and the key named when one is missing. */
class KafkaAccessProducerTest {
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    private record Settings(String securityProtocol, Optional<String> user, Optional<String> caSecret)
            implements MysqlhaConfig.Kafka {
        @Override
        public String bootstrapServers() {
            return "k:9093";
        }

        @Override
        public boolean requiredForReadiness() {
            return true;
        }

        @Override
        public MysqlhaConfig.Sasl sasl() {
            return new MysqlhaConfig.Sasl() {
                @Override
                public String mechanism() {
                    return "SCRAM-SHA-512";
                }

                @Override
                public Optional<String> username() {
                    return user;
                }

                @Override
                public String passwordSecret() {
                    return "kafka-password";
                }
            };
        }
    }

    @Test
    void plaintextNeedsNoSecret(@TempDir Path secrets) {
        KafkaAccess k = KafkaAccessProducer.of(new Settings("PLAINTEXT", Optional.empty(), Optional.empty()),
                new SecretResolver(secrets, Map.of()));
        assertFalse(k.secured());
    }

    @Test
    void saslSslTakesTheUserThePasswordSecretAndTheCa(@TempDir Path secrets) throws Exception {
        Files.writeString(secrets.resolve("kafka-password"), "s3cret-password\n");
        Files.writeString(secrets.resolve("kafka-ca"), CA);
        KafkaAccess k = KafkaAccessProducer.of(new Settings("SASL_SSL", Optional.of("probe"), Optional.of("kafka-ca")),
                new SecretResolver(secrets, Map.of()));
        assertEquals("k:9093 (SASL_SSL, SCRAM-SHA-512 as probe, brokers' CA given)", k.toString());
        assertTrue(String.valueOf(k.config(Map.of()).get("sasl.jaas.config")).contains("password=\"s3cret-password\""));
    }

    @Test
    void aMissingUserOrSecretNamesTheKey(@TempDir Path secrets) throws Exception {
        var noUser = assertThrows(IllegalStateException.class, () -> KafkaAccessProducer.of(
                new Settings("SASL_SSL", Optional.empty(), Optional.empty()), new SecretResolver(secrets, Map.of())));
        assertEquals("mysqlha.kafka.sasl.username is required with mysqlha.kafka.security-protocol=SASL_SSL (the"
                + " service's Kafka user)", noUser.getMessage());
        var noPassword = assertThrows(IllegalStateException.class, () -> KafkaAccessProducer.of(
                new Settings("SASL_SSL", Optional.of("probe"), Optional.empty()), new SecretResolver(secrets, Map.of())));
        assertTrue(noPassword.getMessage().startsWith("mysqlha.kafka.sasl.password-secret: secret 'kafka-password'"
                + " not found"), noPassword.getMessage());
        Files.writeString(secrets.resolve("kafka-ca"), "/etc/ssl/ca.pem");
        var notPem = assertThrows(IllegalStateException.class, () -> KafkaAccessProducer.of(
                new Settings("SSL", Optional.empty(), Optional.of("kafka-ca")), new SecretResolver(secrets, Map.of())));
        assertEquals("mysqlha.kafka: the brokers' CA is not a PEM certificate (-----BEGIN CERTIFICATE-----)",
                notPem.getMessage());
    }
}
