package io.mysqlha.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Configuration every service shares, checked at start-up: a bad value stops the service with a message naming
 * the key. Set in application.properties, or as environment variables (MYSQLHA_KAFKA_BOOTSTRAP_SERVERS...).
 */
@ConfigMapping(prefix = "mysqlha")
public interface MysqlhaConfig {

    Kafka kafka();

    /** Prefix of every topic name; lets several suites share one Kafka. */
    @WithDefault("mysqlha.")
    @Pattern(regexp = "[a-zA-Z0-9._-]{0,200}", message = "letters, digits, '.', '_' and '-' only, at most 200")
    String topicPrefix();

    /** This instance's name in events; defaults to the host name. */
    Optional<@Pattern(regexp = "[a-zA-Z0-9._-]{1,100}", message = "letters, digits, '.', '_' and '-', 1..100")
            String> instanceId();

    /** Where secret files live (a Kubernetes Secret volume, or the launcher's var/secrets). */
    @WithDefault("/run/secrets/mysqlha")
    Path secretsDir();

    /** Who may call the service's REST API. */
    Api api();

    interface Api {
        /**
         * The secret of API tokens, one {@code name:role:token} per line (role {@code viewer} or {@code operator}):
         * every call that changes something (switchover, acknowledge, backup, restore) needs an operator's token as
         * {@code Authorization: Bearer <token>}, and the token's name is recorded as who did it.
         */
        @WithDefault("mysqlha-api-tokens")
        String tokensSecret();

        /**
         * The secret of the clients that call with a TLS client certificate instead of a token (mutual TLS), one
         * {@code cn:role} per line: with HTTPS on and {@code quarkus.http.ssl.client-auth=request}, a certificate the
         * service's trust store verified is the caller its common name says. Absent: none.
         */
        @WithDefault("mysqlha-api-clients")
        String clientsSecret();

        /** Whether reads (GET) are answered without a token; false: they need a viewer's or an operator's. */
        @WithDefault("true")
        boolean openReads();
    }

    interface Kafka {
        @WithDefault("127.0.0.1:9092")
        @Pattern(regexp = "[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*",
                message = "host:port[,host:port...], e.g. 127.0.0.1:9092")
        String bootstrapServers();

        /**
         * Whether readiness fails while Kafka is unreachable. The gateway sets false: it fails static, routing on
         * its last topology, and reports Kafka's state without leaving the load balancer.
         */
        @WithDefault("true")
        boolean requiredForReadiness();

        /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, as Kafka's clients name it. */
        @WithDefault("PLAINTEXT")
        @Pattern(regexp = "PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL",
                message = "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
        String securityProtocol();

        /** The service's Kafka user, with SASL_SSL or SASL_PLAINTEXT. */
        Sasl sasl();

        /**
         * The secret holding the CA certificates (PEM) the brokers' certificates are checked against, with SSL or
         * SASL_SSL; without it, the JVM's default trust store.
         */
        Optional<String> caSecret();
    }

    interface Sasl {
        /** SCRAM-SHA-512 (the default), SCRAM-SHA-256 or PLAIN. */
        @WithDefault("SCRAM-SHA-512")
        @Pattern(regexp = "SCRAM-SHA-512|SCRAM-SHA-256|PLAIN", message = "SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN")
        String mechanism();

        /** The user (its name is not a secret: it shows in messages and in the brokers' ACLs). */
        Optional<@Pattern(regexp = "[^\\s\"]{1,200}", message = "no spaces or quotes, 1..200 characters")
                String> username();

        /** The secret holding the user's password. */
        @WithDefault("kafka-password")
        String passwordSecret();
    }
}
