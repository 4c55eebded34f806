package io.mysqlha.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NativePasswordTest {
    // computed independently with Python's hashlib: seed bytes 1..20, password "secret"
    private static final byte[] SEED = new byte[20];
    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);

    static {
        for (int i = 0; i < 20; i++) {
            SEED[i] = (byte) (i + 1);
        }
    }

    @Test
    void shouldMatchAnIndependentlyComputedVector() {
        assertEquals("b32bb3a583e1340c0a1108d58b1be49781ad8c2f",
                HexFormat.of().formatHex(NativePassword.respond(SECRET, SEED)));
        assertArrayEquals(NativePassword.storedHash(SECRET),
                NativePassword.parseStoredHash("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7"));
    }

    @Test
    void shouldRecoverStage1FromAValidResponseOnlyAndAnswerAnotherScramble() {
        byte[] hash = NativePassword.storedHash(SECRET);
        byte[] stage1 = NativePassword.verify(NativePassword.respond(SECRET, SEED), SEED, hash);
        byte[] other = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(NativePassword.respond(SECRET, other), NativePassword.respondWithStage1(stage1, other, hash));
        assertNull(NativePassword.verify(NativePassword.respond("Secret".getBytes(StandardCharsets.UTF_8), SEED),
                SEED, hash));
        assertNull(NativePassword.verify(new byte[0], SEED, hash));
    }

    @Test
    void shouldHandleEmptyPasswordsAndRefuseMalformedHashes() {
        assertArrayEquals(new byte[0], NativePassword.respond(new byte[0], SEED));
        assertArrayEquals(new byte[0], NativePassword.verify(new byte[0], SEED, new byte[0]));
        assertNull(NativePassword.verify(new byte[20], SEED, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> NativePassword.parseStoredHash("14E655"));
    }
}
