package io.mysqlha.events.kafka;

import io.mysqlha.domain.Secret;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a client reaches Kafka: the bootstrap servers and the security every producer, consumer and admin client of a
 * process shares (security.protocol, SASL credentials, the brokers' CA). Every Kafka client of the suite is built
 * from one, so a secured broker needs one setting per process, not one per client. Its {@code toString} names the
 * brokers, the protocol and the user, never the password.
 */
public final class KafkaAccess {
    /** The protocols Kafka's clients speak. */
    public static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** The SASL mechanisms the suite configures from a user and a password secret. */
    public static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    private final String bootstrap;
    private final Map<String, Object> security;
    private final String shown;

    private KafkaAccess(String bootstrap, Map<String, Object> security, String shown) {
        this.bootstrap = bootstrap;
        this.security = Map.copyOf(security);
        this.shown = shown;
    }

    /** A broker in clear, without authentication (the embedded default and most tests). */
    public static KafkaAccess plaintext(String bootstrap) {
        return new KafkaAccess(bootstrap, Map.of(), bootstrap);
    }

    /**
     * A secured broker.
     *
     * @param protocol      PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
     * @param mechanism     the SASL mechanism (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN); ignored without SASL
     * @param user          the SASL user; required with SASL
     * @param password      its password; required with SASL
     * @param caPem         the CA certificates (PEM) the brokers' certificates are checked against, or null for the
     *                      JVM's default trust store; ignored without SSL
     * @throws IllegalArgumentException naming the setting that is wrong (never its value)
     */
    public static KafkaAccess secured(String bootstrap, String protocol, String mechanism, String user,
                                      Secret password, String caPem) {
        String p = protocol.strip().toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(p)) {
            throw new IllegalArgumentException("security protocol '" + protocol + "': expected one of "
                    + String.join(", ", new java.util.TreeSet<>(PROTOCOLS)));
        }
        Map<String, Object> security = new LinkedHashMap<>();
        security.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, p);
        StringBuilder shown = new StringBuilder(bootstrap).append(" (").append(p);
        if (p.startsWith("SASL_")) {
            String m = mechanism.strip().toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(m)) {
                throw new IllegalArgumentException("SASL mechanism '" + mechanism + "': expected one of "
                        + String.join(", ", new java.util.TreeSet<>(MECHANISMS)));
            }
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("a SASL user is required with " + p);
            }
            if (password == null || password.reveal().isEmpty()) {
                throw new IllegalArgumentException("a SASL password is required with " + p + " (user " + user + ")");
            }
            String module = m.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            security.put(SaslConfigs.SASL_MECHANISM, m);
            // a Password-typed setting: Kafka's clients log it as [hidden]
            security.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + quoted(user)
                    + "\" password=\"" + quoted(password.reveal()) + "\";");
            shown.append(", ").append(m).append(" as ").append(user);
        }
        if (p.endsWith("SSL") && caPem != null && !caPem.isBlank()) {
            if (!caPem.contains("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException("the brokers' CA is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            security.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            security.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, caPem);
            shown.append(", brokers' CA given");
        }
        return new KafkaAccess(bootstrap, security, shown.append(')').toString());
    }

    /**
     * From Kafka client properties as an operator writes them for Kafka's own tools ({@code --command-config}):
     * {@code security.protocol}, {@code sasl.*} and {@code ssl.*} are taken; anything else is refused by name (a
     * typo must not silently fall back to a plaintext connection).
     */
    public static KafkaAccess fromProperties(String bootstrap, Map<String, String> properties, String where) {
        Map<String, Object> security = new LinkedHashMap<>();
        for (var e : properties.entrySet()) {
            String key = e.getKey().strip();
            if (!key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) && !key.startsWith("sasl.")
                    && !key.startsWith("ssl.")) {
                throw new IllegalArgumentException(where + ": '" + key + "' is not a security setting"
                        + " (security.protocol, sasl.*, ssl.* only)");
            }
            security.put(key, e.getValue().strip());
        }
        Object protocol = security.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        if (!PROTOCOLS.contains(String.valueOf(protocol).toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException(where + ": security.protocol '" + protocol + "': expected one of "
                    + String.join(", ", new java.util.TreeSet<>(PROTOCOLS)));
        }
        java.util.regex.Matcher user = java.util.regex.Pattern.compile("username=\"([^\"]*)\"")
                .matcher(String.valueOf(security.getOrDefault(SaslConfigs.SASL_JAAS_CONFIG, "")));
        return new KafkaAccess(bootstrap, security, bootstrap + " (" + protocol
                + (security.containsKey(SaslConfigs.SASL_MECHANISM) ? ", " + security.get(SaslConfigs.SASL_MECHANISM)
                : "") + (user.find() ? " as " + user.group(1) : "") + ", from " + where + ")");
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** A client's configuration: the bootstrap servers, this access's security, then the client's own settings. */
    public Map<String, Object> config(Map<String, ?> settings) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.putAll(settings);
        return config;
    }

    /** Whether clients authenticate or encrypt (anything but PLAINTEXT). */
    public boolean secured() {
        return !security.isEmpty() && !"PLAINTEXT".equals(security.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
    }

    /** The brokers, the protocol and the user: for messages, never the password. */
    @Override
    public String toString() {
        return shown;
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
