package io.mysqlha.backup.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncryptedTest {
    private static final BackupKey KEY = BackupKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
            "backup-key");
    private static final BackupKey OTHER = BackupKey.parse("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
            "backup-key");

    private static byte[] plain(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static byte[] seal(byte[] plain, BackupKey key) throws IOException {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream out = Encrypted.encrypt(sealed, key)) {
            // in uneven writes, as a compressor hands them on
            for (int at = 0; at < plain.length; at += 7_001) {
                out.write(plain, at, Math.min(7_001, plain.length - at));
            }
        }
        return sealed.toByteArray();
    }

    private static byte[] open(byte[] sealed, BackupKey key) throws IOException {
        try (var in = Encrypted.decrypt(new ByteArrayInputStream(sealed), key)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, Encrypted.RECORD - 1, Encrypted.RECORD, Encrypted.RECORD + 1, 3 * Encrypted.RECORD + 5})
    void whatIsEncryptedComesBackWholeAtEveryRecordBoundary(int size) throws IOException {
        byte[] plain = plain(size);
        byte[] sealed = seal(plain, KEY);
        assertArrayEquals(plain, open(sealed, KEY));
        assertFalse(size > 32 && indexOf(sealed, Arrays.copyOf(plain, 32)) >= 0, "no plaintext in the file");
    }

    @Test
    void aWrongKeyIsNamedByItsIdNeverByItsBytes() throws IOException {
        byte[] sealed = seal(plain(100), KEY);
        IOException e = assertThrows(IOException.class, () -> open(sealed, OTHER));
        assertEquals("encrypted with key " + KEY.id() + ", not with " + OTHER.id() + " (the key in the cluster's"
                + " encryption secret now): put that key back to read it", e.getMessage());
        assertTrue(KEY.id().matches("sha256:[0-9a-f]{16}"), KEY.id());
        assertEquals("BackupKey[" + KEY.id() + "]", KEY.toString());
    }

    @Test
    void aChangedByteOrACutOffFileFailsTheRead() throws IOException {
        byte[] sealed = seal(plain(2 * Encrypted.RECORD + 10), KEY);
        byte[] flipped = sealed.clone();
        flipped[flipped.length / 2] ^= 1;
        assertTrue(assertThrows(IOException.class, () -> open(flipped, KEY)).getMessage()
                .contains("does not authenticate"));
        // the last record dropped: the one before it now ends the file, but was not sealed as the last
        int lastRecord = 10 + 16;
        byte[] dropped = Arrays.copyOf(sealed, sealed.length - lastRecord);
        assertThrows(IOException.class, () -> open(dropped, KEY));
        byte[] cut = Arrays.copyOf(sealed, sealed.length - 3);
        assertThrows(IOException.class, () -> open(cut, KEY));
        byte[] headerOnly = Arrays.copyOf(sealed, 23);
        assertTrue(assertThrows(IOException.class, () -> open(headerOnly, KEY)).getMessage().contains("cut off"));
        assertTrue(assertThrows(IOException.class, () -> open("plain text".getBytes(), KEY)).getMessage()
                .contains("no MHAENC1 header"));
    }

    @Test
    void aKeySecretThatIsNot256BitsIsRefusedSayingWhatItMustHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupKey.parse("hunter2", "backup-key"));
        assertEquals("secret backup-key must hold a 256-bit key: 64 hex digits or 44 base64 characters (openssl rand"
                + " -hex 32)", e.getMessage());
        assertEquals(KEY.id(), BackupKey.parse(java.util.Base64.getEncoder().encodeToString(
                java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")),
                "k").id(), "base64 or hex, the same key");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
