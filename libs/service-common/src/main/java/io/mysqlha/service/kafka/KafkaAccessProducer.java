package io.mysqlha.service.kafka;

import io.mysqlha.domain.Secret;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The service's one {@link KafkaAccess}, from {@code mysqlha.kafka.*} and the secrets it names (the SASL password,
 * the brokers' CA): every producer, consumer and admin client of the service is built from it. A missing secret or
 * an incomplete setting stops the start with the key to fix.
 */
@ApplicationScoped
public class KafkaAccessProducer {

    @Produces
    @Singleton
    KafkaAccess kafkaAccess(MysqlhaConfig config) {
        return of(config.kafka(), new SecretResolver(config.secretsDir(), System.getenv()));
    }

    /** The access these settings describe, resolving the secrets they name. */
    public static KafkaAccess of(MysqlhaConfig.Kafka kafka, SecretResolver secrets) {
        String protocol = kafka.securityProtocol();
        if (protocol.equals("PLAINTEXT")) {
            return KafkaAccess.plaintext(kafka.bootstrapServers());
        }
        boolean sasl = protocol.startsWith("SASL_");
        if (sasl && kafka.sasl().username().isEmpty()) {
            throw new IllegalStateException("mysqlha.kafka.sasl.username is required with mysqlha.kafka"
                    + ".security-protocol=" + protocol + " (the service's Kafka user)");
        }
        Secret password = sasl ? resolve(secrets, kafka.sasl().passwordSecret(), "mysqlha.kafka.sasl.password-secret")
                : null;
        String ca = kafka.caSecret().map(name -> resolve(secrets, name, "mysqlha.kafka.ca-secret").reveal())
                .orElse(null);
        try {
            return KafkaAccess.secured(kafka.bootstrapServers(), protocol, kafka.sasl().mechanism(),
                    kafka.sasl().username().orElse(null), password, ca);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("mysqlha.kafka: " + e.getMessage(), e);
        }
    }

    private static Secret resolve(SecretResolver secrets, String name, String key) {
        try {
            return secrets.resolve(name);
        } catch (RuntimeException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }
}
