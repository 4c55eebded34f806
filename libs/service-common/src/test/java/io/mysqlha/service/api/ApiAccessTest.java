package io.mysqlha.service.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiAccessTest {
    private static final String OPS = "0123456789abcdef-ops";
    private static final String VIEW = "0123456789abcdef-view";
    private static final ApiTokens TOKENS = ApiTokens.parse("""
            # who may do what
            alice:operator:%s
            grafana:viewer:%s
            """.formatted(OPS, VIEW), "secret api");

    private static String token(String who) {
        return switch (who) {
            case "alice" -> "Bearer " + OPS;
            case "grafana" -> "Bearer " + VIEW;
            case "stranger" -> "Bearer 0123456789abcdef-nobody";
            case "basic" -> "Basic YWxpY2U6cHc=";
            default -> null;
        };
    }

    /** Method, path, who, open reads: the answer (200 allowed, else the status) and who is recorded. */
    @ParameterizedTest(name = "{0} {1} as {2} (open reads {3}): {4}")
    @CsvSource({
        "POST, clusters/c/switchover,  alice,    true,  200, alice",
        "POST, clusters/c/switchover,  grafana,  true,  403, ",
        "POST, clusters/c/switchover,  -,        true,  401, ",
        "POST, clusters/c/switchover,  stranger, true,  401, ",
        "POST, clusters/c/switchover,  basic,    true,  401, ",
        "GET,  clusters/c/recoveries,  -,        true,  200, ",
        "GET,  clusters/c/recoveries,  -,        false, 401, ",
        "GET,  clusters/c/recoveries,  grafana,  false, 200, grafana",
        "GET,  clusters/c/recoveries,  stranger, true,  401, ",
        "GET,  /q/health/ready,        -,        false, 200, ",
        "GET,  q/metrics,              -,        false, 200, ",
        "DELETE, clusters/c,           grafana,  true,  403, "})
    void decides(String method, String path, String who, boolean openReads, int status, String recorded) {
        ApiAccess.Decision d = ApiAccess.decide(method, path, token(who), TOKENS, null, "api", openReads);
        if (status == 200) {
            ApiAccess.Allow allow = assertInstanceOf(ApiAccess.Allow.class, d);
            assertEquals(recorded, allow.caller() == null ? null : allow.caller().name());
        } else {
            assertEquals(status, assertInstanceOf(ApiAccess.Refuse.class, d).status());
        }
    }

    @Test
    void refusalsSayWhatToSendAndNeverEchoAToken() {
        ApiAccess.Refuse none = (ApiAccess.Refuse) ApiAccess.decide("POST", "clusters/c/backups", null, TOKENS, null,
                "mysqlha-api-tokens", true);
        assertTrue(none.message().contains("Authorization: Bearer <token>") && none.message().contains(
                "mysqlha-api-tokens") && none.message().contains("operator"), none.message());
        ApiAccess.Refuse viewer = (ApiAccess.Refuse) ApiAccess.decide("POST", "clusters/c/backups", token("grafana"),
                TOKENS, null, "api", true);
        assertEquals("POST clusters/c/backups needs an operator's token; grafana is a viewer", viewer.message());
        ApiAccess.Refuse missing = (ApiAccess.Refuse) ApiAccess.decide("POST", "clusters/c/backups", token("alice"),
                null, "secret 'api' not found", "api", true);
        assertTrue(missing.message().contains("not found"), missing.message());
        ApiAccess.Refuse empty = (ApiAccess.Refuse) ApiAccess.decide("POST", "clusters/c/backups", token("alice"),
                ApiTokens.parse("# none yet\n", "secret api"), null, "api", true);
        assertEquals("the secret api holds no token yet: add a line name:operator:<token> (e.g. openssl rand -hex 32)",
                empty.message());
        assertFalse(missing.message().contains(OPS));
    }

    @Test
    void aBadTokensLineIsNamedWithoutItsToken() {
        IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class,
                () -> ApiTokens.parse("bob:operator:hunter2", "secret api"));
        assertEquals("secret api line 1 (bob): a token has at least 16 characters (e.g. openssl rand -hex 32)",
                shortToken.getMessage());
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class,
                () -> ApiTokens.parse("ok:viewer:0123456789abcdef\nbob:admin:0123456789abcdefXYZ", "secret api"));
        assertEquals("secret api line 2 (bob): the role is viewer or operator", role.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApiTokens.parse("bob-only-a-name", "secret api"));
        assertEquals("ApiTokens[2 tokens]", TOKENS.toString());
    }

    private static final ApiClients CLIENTS = ApiClients.parse("""
            # client certificates by common name
            ops-bot:operator
            dashboards.example.com:viewer
            """, "mysqlha-api-clients");

    /** Method, certificate's common name, token: the answer and who is recorded. */
    @ParameterizedTest(name = "{0} with certificate {1} and token of {2}: {3}")
    @CsvSource({
        "POST, ops-bot,                -,       200, ops-bot",
        "POST, dashboards.example.com, -,       403, ",
        "GET,  dashboards.example.com, -,       200, dashboards.example.com",
        "POST, someone-else,           -,       403, ",
        "POST, dashboards.example.com, alice,   200, alice",
        "POST, ops-bot,                grafana, 403, ",
        "POST, -,                      -,       401, "})
    void aVerifiedClientCertificateIsTheOtherCredential(String method, String cn, String who, int status,
                                                       String recorded) {
        ApiAccess.Decision d = ApiAccess.decide(method, "clusters/c/switchover", token(who),
                "-".equals(cn) ? null : cn, TOKENS, null, "api", CLIENTS, false);
        if (status == 200) {
            assertEquals(recorded, assertInstanceOf(ApiAccess.Allow.class, d).caller().name());
        } else {
            assertEquals(status, assertInstanceOf(ApiAccess.Refuse.class, d).status());
        }
    }

    @Test
    void certificateRefusalsNameTheCertificateAndTheSecret() {
        ApiAccess.Refuse unknown = (ApiAccess.Refuse) ApiAccess.decide("POST", "clusters/c/backups", null, "eve",
                TOKENS, null, "api", CLIENTS, true);
        assertEquals("the client certificate CN=eve is not one of the secret mysqlha-api-clients (cn:role lines)",
                unknown.message());
        ApiAccess.Refuse viewer = (ApiAccess.Refuse) ApiAccess.decide("POST", "clusters/c/backups", null,
                "dashboards.example.com", TOKENS, null, "api", CLIENTS, true);
        assertEquals("POST clusters/c/backups needs an operator; the client certificate CN=dashboards.example.com is"
                + " a viewer", viewer.message());
        var bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ApiClients.parse("ops-bot:admin\n", "clients"));
        assertEquals("secret clients line 1 (ops-bot): the role is viewer or operator", bad.getMessage());
    }
}
