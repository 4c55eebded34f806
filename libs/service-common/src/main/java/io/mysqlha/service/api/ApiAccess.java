package io.mysqlha.service.api;

import java.util.Set;

/**
 * Who may make a REST call: the decision for one request, from its method and path, its {@code Authorization}
 * header and the tokens. The service's own endpoints under {@code /q/} (health, metrics, OpenAPI) stay open for
 * probes and scrapers; reads are open unless the service says otherwise; every other call needs an operator's token.
 */
public final class ApiAccess {
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private ApiAccess() {
    }

    /** What to do with a request. */
    public sealed interface Decision {
    }

    /** Let it through; {@code caller} is null for an open read without a token. */
    public record Allow(ApiTokens.Caller caller) implements Decision {
    }

    /** Answer {@code status} (401 or 403) with this message. */
    public record Refuse(int status, String message) implements Decision {
    }

    /**
     * @param tokens       the tokens, or null when they cannot be read ({@code tokensProblem} says why)
     * @param tokensSecret the secret's name, for messages
     */
    public static Decision decide(String method, String path, String authorization, ApiTokens tokens,
                                  String tokensProblem, String tokensSecret, boolean openReads) {
        return decide(method, path, authorization, null, tokens, tokensProblem, tokensSecret, ApiClients.NONE,
                openReads);
    }

    /**
     * With mutual TLS as the other credential: {@code certificate} is the common name of the client certificate the
     * TLS handshake verified (null without one), {@code clients} the roles of such names. A bearer token, when sent,
     * decides.
     */
    public static Decision decide(String method, String path, String authorization, String certificate,
                                  ApiTokens tokens, String tokensProblem, String tokensSecret, ApiClients clients,
                                  boolean openReads) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.equals("q") || p.startsWith("q/")) {
            return new Allow(null);
        }
        boolean read = READS.contains(method);
        if ((authorization == null || authorization.isBlank()) && certificate != null) {
            ApiTokens.Caller caller = clients.caller(certificate).orElse(null);
            if (caller == null) {
                return new Refuse(403, "the client certificate CN=" + certificate + " is not one of the secret "
                        + clients.secret() + " (cn:role lines)");
            }
            if (!read && caller.role() != ApiRole.OPERATOR) {
                return new Refuse(403, method + " " + path + " needs an operator; the client certificate CN="
                        + caller.name() + " is a " + caller.role().specName());
            }
            return new Allow(caller);
        }
        if (authorization == null || authorization.isBlank()) {
            if (read && openReads) {
                return new Allow(null);
            }
            return new Refuse(401, (read ? "reading" : method + " " + path) + " needs a token: send"
                    + " Authorization: Bearer <token> with a token of the secret " + tokensSecret + " (name:role:token"
                    + " lines; role " + (read ? "viewer or operator" : "operator") + "), or connect over HTTPS with a"
                    + " client certificate named in the secret " + clients.secret());
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Refuse(401, "the Authorization header is Bearer <token>");
        }
        if (tokens == null) {
            return new Refuse(401, "no token can be checked: " + tokensProblem);
        }
        if (tokens.size() == 0) {
            return new Refuse(401, "the secret " + tokensSecret + " holds no token yet: add a line"
                    + " name:operator:<token> (e.g. openssl rand -hex 32)");
        }
        ApiTokens.Caller caller = tokens.authenticate(authorization.substring(7)).orElse(null);
        if (caller == null) {
            return new Refuse(401, "the token is not one of the secret " + tokensSecret);
        }
        if (!read && caller.role() != ApiRole.OPERATOR) {
            return new Refuse(403, method + " " + path + " needs an operator's token; " + caller.name() + " is a "
                    + caller.role().specName());
        }
        return new Allow(caller);
    }
}
