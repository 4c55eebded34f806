package io.mysqlha.gateway.users;

import io.mysqlha.protocol.NativePassword;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerAccountsTest {

    private static String hash(String password) {
        return "*" + HexFormat.of().withUpperCase().formatHex(NativePassword.storedHash(
                password.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> row(String user, String host, String plugin, String auth, String locked) {
        Map<String, String> r = new HashMap<>();
        r.put("User", user);
        r.put("Host", host);
        r.put("plugin", plugin);
        r.put("authentication_string", auth);
        r.put("account_locked", locked);
        return r;
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "%, 10.1.2.3, true",
            "'', 10.1.2.3, true",
            "10.1.2.3, 10.1.2.3, true",
            "10.1.2.3, 10.1.2.4, false",
            "10.1.%, 10.1.2.3, true",
            "10.1.%, 10.2.2.3, false",
            "10.1.2._, 10.1.2.3, true",
            "10.1.2._, 10.1.2.33, false",
            "localhost, 127.0.0.1, true",
            "localhost, 10.0.0.1, false",
            "10.1.0.0/255.255.0.0, 10.1.200.3, true",
            "10.1.0.0/255.255.0.0, 10.2.0.3, false",
            "10.1.0.0/16, 10.1.7.7, true",
            "10.1.0.0/16, 10.0.7.7, false",
            "10.1.0.0/nonsense, 10.1.7.7, false",
            "APP.%, app.example, true",
    })
    void hostPatternsMatchAsTheServerMatchesThem(String pattern, String address, boolean matches) {
        assertEquals(matches, ServerAccounts.matches(pattern, address));
    }

    @Test
    void theMostSpecificHostWins() {
        ServerAccounts a = ServerAccounts.of(List.of(
                row("app", "%", "mysql_native_password", hash("anywhere"), "N"),
                row("app", "127.0.0.1", "mysql_native_password", hash("local"), "N"),
                row("app", "127.0.%", "mysql_native_password", hash("net"), "N")));
        assertArrayEquals(NativePassword.parseStoredHash(hash("local")), a.find("app", "127.0.0.1").orElseThrow()
                .nativeHash());
        assertArrayEquals(NativePassword.parseStoredHash(hash("net")), a.find("app", "127.0.0.2").orElseThrow()
                .nativeHash());
        assertArrayEquals(NativePassword.parseStoredHash(hash("anywhere")), a.find("app", "10.0.0.2").orElseThrow()
                .nativeHash());
        assertEquals(3, a.size());
    }

    @Test
    void aUserFromAHostNoPatternAllowsIsUnknown() {
        ServerAccounts a = ServerAccounts.of(List.of(row("app", "10.%", "mysql_native_password", hash("x"), "N")));
        assertTrue(a.find("app", "127.0.0.1").isEmpty());
        assertTrue(a.knows("app"));
        assertFalse(a.knows("other"));
    }

    @Test
    void lockedAccountsAreKeptAsLockedOnBothFlavours() {
        ServerAccounts a = ServerAccounts.of(List.of(
                row("mysql_locked", "%", "mysql_native_password", hash("x"), "Y"),
                row("maria_locked", "%", "mysql_native_password", hash("x"), "true"),
                row("open", "%", "mysql_native_password", hash("x"), "false")));
        assertTrue(a.find("mysql_locked", "1.2.3.4").orElseThrow().locked());
        assertTrue(a.find("maria_locked", "1.2.3.4").orElseThrow().locked());
        assertFalse(a.find("open", "1.2.3.4").orElseThrow().locked());
    }

    @Test
    void rolesAnonymousAccountsAndPluginsWithoutAUsableHashAreLeftOut() {
        Map<String, String> role = row("reporting", "", "", "", "N");
        role.put("is_role", "true");
        ServerAccounts a = ServerAccounts.of(List.of(role,
                row("", "localhost", "mysql_native_password", "", "N"),
                row("sha", "%", "caching_sha2_password", "$A$005$xxxx", "N"),
                row("ed", "%", "ed25519", "ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY", "N"),
                row("nopw", "%", "mysql_native_password", "", "N"),
                row("mariadb.sys", "localhost", "mysql_native_password", "invalid", "true")));
        assertEquals(1, a.size());
        assertEquals(Map.of("caching_sha2_password without a password hash", 1, "ed25519", 1,
                "mysql_native_password without a password hash", 1), a.skipped());
        assertEquals(0, a.find("nopw", "1.2.3.4").orElseThrow().nativeHash().length, "no password");
        assertTrue(a.find("reporting", "1.2.3.4").isEmpty());
    }

    @Test
    void aCachingSha2AccountIsReadFromItsExactBytes() {
        byte[] salt = {0x01, 0x7f, '$' + 1, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p',
                'q'};
        String stored = "$A$005$" + new String(salt, StandardCharsets.ISO_8859_1)
                + io.mysqlha.protocol.CachingSha2Password.sha256Crypt("pw".getBytes(StandardCharsets.UTF_8), salt, 5000);
        Map<String, String> r = row("sha", "%", "caching_sha2_password", null, "N");
        r.put("auth_hex", HexFormat.of().formatHex(stored.getBytes(StandardCharsets.ISO_8859_1)));
        ServerAccounts a = ServerAccounts.of(List.of(r, row("nopw", "%", "caching_sha2_password", "", "N")));
        var u = a.find("sha", "10.0.0.1").orElseThrow();
        assertTrue(u.crypt().matches("pw".getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, u.nativeHash(), "never checked as mysql_native_password");
        assertEquals("", a.find("nopw", "10.0.0.1").orElseThrow().password().reveal(), "an empty password");
    }
}
