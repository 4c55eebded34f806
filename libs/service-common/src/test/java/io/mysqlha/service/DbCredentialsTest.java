package io.mysqlha.service;

import io.mysqlha.domain.Secret;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbCredentialsTest {

    @Test
    void shouldReadUserAndPasswordLinesAndNeverPrintThePassword() {
        DbCredentials c = DbCredentials.parse("mysqlha-monitor", Secret.of("user=mysqlha_monitor\npassword=s3cr3t\n"));
        assertEquals("mysqlha_monitor", c.user());
        assertEquals("s3cr3t", c.password().reveal());
        assertFalse(c.toString().contains("s3cr3t"), c.toString());
    }

    @Test
    void shouldNameTheSecretAndNotItsContentWhenMalformed() {
        var e = assertThrows(IllegalStateException.class,
                () -> DbCredentials.parse("mysqlha-monitor", Secret.of("just-a-password")));
        assertTrue(e.getMessage().contains("mysqlha-monitor"), e.getMessage());
        assertFalse(e.getMessage().contains("just-a-password"), e.getMessage());
    }
}
