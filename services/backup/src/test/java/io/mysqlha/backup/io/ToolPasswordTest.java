package io.mysqlha.backup.io;

import io.mysqlha.domain.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolPasswordTest {

    @Test
    void thePasswordIsQuotedAndEscapedAsAnOptionFileReadsIt() {
        assertEquals("a\\\\b\\\"c\\nd#e;f 'g'", ToolPassword.escaped("a\\b\"c\nd#e;f 'g'"));
    }

    @Test
    void theFileIsTheOwnersAloneAndGoneWhenClosed(@TempDir Path dir) throws Exception {
        Path file;
        try (ToolPassword p = ToolPassword.write(Secret.of("s3cret \"pw\""), dir)) {
            assertTrue(p.argument().startsWith("--defaults-extra-file=" + dir));
            file = Path.of(p.argument().substring("--defaults-extra-file=".length()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("[client]\npassword=\"s3cret \\\"pw\\\"\"\n", Files.readString(file));
            assertFalse(p.toString().contains("s3cret"));
        }
        assertFalse(Files.exists(file));
    }
}
