package io.mysqlha.backup.repository;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository on a real directory (the file system is the point: renames, partial files, checksums). */
class LocalRepositoryTest {
    @TempDir
    Path root;

    private static Manifest manifest(String id, String artifact, long bytes, String sha, Instant started) {
        return new Manifest(id, "local", "node2", "10.11.6-MariaDB", "0-1-42", "mysql-bin.000003", 1234L, started,
                started.plusSeconds(5), artifact, bytes, sha, "gzip", "mariadb-dump 10.11.6",
                Manifest.Status.COMPLETED, null, java.util.Map.of("app.t", 42L), null);
    }

    @Test
    void aCommittedArtefactIsWholeUnderItsNameWithItsChecksumAndAnAbortedOneLeavesNothing() throws Exception {
        LocalRepository repo = new LocalRepository(root);
        byte[] data = "-- dump\nINSERT INTO t VALUES (1);\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        String sha;
        try (var a = repo.create("local", "b1.sql.gz")) {
            a.out().write(data);
            assertTrue(Files.notExists(root.resolve("local/b1.sql.gz")), "not visible before commit");
            assertEquals(data.length, a.bytes());
            sha = a.commit();
        }
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), sha);
        assertEquals(data.length, Files.size(root.resolve("local/b1.sql.gz")));
        try (var a = repo.create("local", "b2.sql.gz")) {
            a.out().write(data); // a dump that fails half way: closed without commit
        }
        try (var files = Files.list(root.resolve("local"))) {
            assertEquals(List.of("b1.sql.gz"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertThrows(IOException.class, () -> repo.create("local", "b1.sql.gz"), "never overwritten");
    }

    @Test
    void manifestsListOldestFirstAndIgnoreWhatACrashLeftHalfWritten() throws Exception {
        LocalRepository repo = new LocalRepository(root);
        repo.write(manifest("b2", "b2.sql.gz", 10, "x", Instant.parse("2026-12-02T10:00:00Z")));
        repo.write(manifest("b1", "b1.sql.gz", 10, "x", Instant.parse("2026-12-01T10:00:00Z")));
        Files.writeString(root.resolve("local/.partial-abcd1234-b3.json"), "{\"backupId\":");
        assertEquals(List.of("b1", "b2"), repo.manifests("local").stream().map(Manifest::backupId).toList());
        assertEquals("0-1-42", repo.manifest("local", "b2").orElseThrow().gtidPosition());
        assertEquals(1, repo.removePartials("local"));
        Files.writeString(root.resolve("local/b9.json"), "not json");
        IOException e = assertThrows(IOException.class, () -> repo.manifests("local"));
        assertTrue(e.getMessage().contains("b9.json") && e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void aCorruptedArtefactIsReportedByItsChecksumNotRestored() throws Exception {
        LocalRepository repo = new LocalRepository(root);
        Manifest m;
        try (var a = repo.create("local", "b1.sql.gz")) {
            a.out().write(new byte[4096]);
            String sha = a.commit();
            m = manifest("b1", "b1.sql.gz", 4096, sha, Instant.now());
        }
        repo.write(m);
        assertNull(repo.verify(m));
        byte[] bytes = Files.readAllBytes(root.resolve("local/b1.sql.gz"));
        bytes[100] ^= 1;
        Files.write(root.resolve("local/b1.sql.gz"), bytes);
        String problem = repo.verify(m);
        assertTrue(problem != null && problem.contains("corrupted"), problem);
        Files.write(root.resolve("local/b1.sql.gz"), new byte[10]);
        assertTrue(repo.verify(m).contains("has 10 bytes; its manifest says 4096"), repo.verify(m));
        repo.delete(m);
        assertEquals(List.of(), repo.manifests("local"));
        assertTrue(repo.verify(m).contains("missing"));
    }

    @Test
    void namesThatCouldLeaveTheFolderAreRefused() {
        LocalRepository repo = new LocalRepository(root);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> repo.create("../etc", "x"));
        assertTrue(e.getMessage().contains("cluster id"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> repo.create("local", "../../passwd"));
        assertThrows(IllegalArgumentException.class, () -> repo.create("local", ".partial-x"));
    }
}
