package io.mysqlha.gateway;

import io.mysqlha.service.SecretResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsersSecretTest {
    @TempDir
    Path dir;

    private UsersSecret secret(String text) throws Exception {
        Files.writeString(dir.resolve("users"), text);
        return new UsersSecret("users", new SecretResolver(dir, Map.of()));
    }

    @Test
    void aChangedSecretTakesEffectAndABrokenOneLeavesTheUsersReadBefore() throws Exception {
        UsersSecret users = secret("app:app\n");
        assertFalse(users.refresh(), "unchanged");
        Files.writeString(dir.resolve("users"), "app:app\nlate:late\n");
        assertTrue(users.refresh());
        assertTrue(users.users().user("late").isPresent());
        Files.writeString(dir.resolve("users"), "app:app\nnot a user line\n");
        assertFalse(users.refresh(), "a broken secret is not taken");
        assertTrue(users.users().user("late").isPresent(), "the users read before stay");
        Files.delete(dir.resolve("users"));
        assertFalse(users.refresh(), "nor a missing one");
        assertEquals(2, users.users().size());
    }

    @Test
    void theFirstReadMustSucceedAndItsErrorNamesTheLineNotTheContent() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> secret("app:app\nhunter2\n"));
        assertTrue(e.getMessage().contains("secret users line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
