package io.mysqlha.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SecretTest {
    record Credentials(String user, Secret password) {
    }

    @Test
    void shouldNeverPrintItsValueEvenInsideARecord() {
        Credentials c = new Credentials("monitor", Secret.of("s3cr3t"));
        assertFalse(c.toString().contains("s3cr3t"), c.toString());
        assertEquals("s3cr3t", c.password().reveal());
        assertEquals(Secret.of("a"), Secret.of("a"));
        assertNotEquals(Secret.of("a"), Secret.of("b"));
    }
}
