package io.mysqlha.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretResolverTest {

    @Test
    void shouldPreferTheEnvironmentThenTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mysqlha-monitor"), "user=mysqlha_monitor\n");
        Files.writeString(dir.resolve("mysqlha-admin"), "from-file\n");
        var resolver = new SecretResolver(dir, Map.of("MYSQLHA_SECRET_MYSQLHA_ADMIN", "from-env"));
        assertEquals("from-env", resolver.resolve("mysqlha-admin").reveal());
        assertEquals("user=mysqlha_monitor", resolver.resolve("mysqlha-monitor").reveal());
    }

    @Test
    void shouldSayWhereItLookedWithoutShowingAnyValue(@TempDir Path dir) {
        var e = assertThrows(IllegalStateException.class, () -> new SecretResolver(dir, Map.of()).resolve("repl.pw"));
        assertTrue(e.getMessage().contains("MYSQLHA_SECRET_REPL_PW"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("repl.pw").toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SecretResolver(dir, Map.of()).resolve("../etc/shadow"));
    }
}
