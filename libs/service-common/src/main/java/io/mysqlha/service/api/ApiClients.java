package io.mysqlha.service.api;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API's clients that prove who they are with a TLS client certificate (mutual TLS, the alternative to a bearer
 * token): from a secret with one {@code cn:role} per line, the certificate's common name and viewer or operator.
 * The certificate itself is checked by the TLS handshake against the CA the service trusts
 * ({@code quarkus.tls.trust-store.*}); this says what a verified name may do, and is who did it in the events.
 */
public final class ApiClients {
    /** No client is known by certificate. */
    public static final ApiClients NONE = new ApiClients(Map.of(), "mysqlha-api-clients");

    private final Map<String, ApiRole> roles;
    private final String secret;

    private ApiClients(Map<String, ApiRole> roles, String secret) {
        this.roles = Map.copyOf(roles);
        this.secret = secret;
    }

    /**
     * @param secret the secret's name, for messages
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static ApiClients parse(String text, String secret) {
        Map<String, ApiRole> roles = new HashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = "secret " + secret + " line " + (i + 1);
            int colon = line.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(at + ": expected cn:role");
            }
            String cn = line.substring(0, colon).strip();
            ApiRole role;
            try {
                role = ApiRole.valueOf(line.substring(colon + 1).strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + " (" + cn + "): the role is viewer or operator");
            }
            if (roles.put(cn, role) != null) {
                throw new IllegalArgumentException(at + ": " + cn + " appears twice");
            }
        }
        return new ApiClients(roles, secret);
    }

    /** None known, for a service whose secret of clients does not exist. */
    public static ApiClients none(String secret) {
        return new ApiClients(Map.of(), secret);
    }

    /** The caller a verified certificate's common name is. */
    public Optional<ApiTokens.Caller> caller(String commonName) {
        ApiRole role = roles.get(commonName);
        return role == null ? Optional.empty() : Optional.of(new ApiTokens.Caller(commonName, role));
    }

    public String secret() {
        return secret;
    }

    public int size() {
        return roles.size();
    }
}
