package io.mysqlha.backup.repository;

import io.mysqlha.backup.io.BackupKey;
import io.mysqlha.backup.io.Encrypted;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Backups encrypted at rest, in front of another repository: the dumps and binlog segments of a cluster that has a
 * key ({@code backup.encryption_key} in its spec) are written through {@link Encrypted} (AES-256-GCM), and their
 * manifest or index names the key's id; what the tools read is decrypted into the caller's scratch folder (mode
 * 0600), which the caller removes. Checksums are of the stored (encrypted) bytes, so {@link #verify} needs no key. A
 * backup written before the cluster had a key stays readable as it is; one whose key is gone is refused naming the id
 * it needs.
 */
public final class EncryptedRepository implements BackupRepository {
    private final BackupRepository inner;
    private final Function<String, BackupKey> keys;

    /** @param keys the key of a cluster, or null when its backups are not encrypted */
    public EncryptedRepository(BackupRepository inner, Function<String, BackupKey> keys) {
        this.inner = inner;
        this.keys = keys;
    }

    @Override
    public Artifact create(String clusterId, String name) throws IOException {
        return encrypting(clusterId, inner.create(clusterId, name));
    }

    @Override
    public Artifact createSegment(String clusterId, String name) throws IOException {
        return encrypting(clusterId, inner.createSegment(clusterId, name));
    }

    private Artifact encrypting(String clusterId, Artifact a) throws IOException {
        BackupKey key = keys.apply(clusterId);
        if (key == null) {
            return a;
        }
        OutputStream sealed = Encrypted.encrypt(new FilterOutputStream(a.out()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush(); // the artefact's own stream stays open for its commit
            }
        }, key);
        return new Artifact() {
            @Override
            public OutputStream out() {
                return sealed;
            }

            @Override
            public long bytes() {
                return a.bytes();
            }

            @Override
            public String commit() throws IOException {
                sealed.close(); // the last record
                return a.commit();
            }

            @Override
            public void close() throws IOException {
                a.close();
            }
        };
    }

    /**
     * Writes the manifest naming the key its artefact was encrypted with, read from the artefact's own header (so
     * every later write of the same manifest, with checksums or a new status, names it too).
     */
    @Override
    public void write(Manifest manifest) throws IOException {
        String keyId = manifest.encryptionKey() != null || manifest.sha256() == null ? null
                : storedKeyId(inner.localFile(manifest, null));
        inner.write(keyId == null ? manifest : manifest.withEncryptionKey(keyId));
    }

    @Override
    public void write(SegmentIndex segment) throws IOException {
        String keyId = segment.encryptionKey() != null || segment.sha256() == null ? null
                : storedKeyId(inner.localFile(segment, null));
        inner.write(keyId == null ? segment : segment.withEncryptionKey(keyId));
    }

    private static String storedKeyId(Path stored) throws IOException {
        if (!Files.exists(stored)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(stored)) {
            return Encrypted.keyIdOf(in);
        }
    }

    /** The artefact as the tools read it: decrypted into {@code scratch} when its header says it is encrypted. */
    @Override
    public Path localFile(Manifest manifest, Path scratch) throws IOException {
        Path stored = inner.localFile(manifest, scratch);
        String keyId = storedKeyId(stored); // the file's own header, whatever a manifest in memory says
        return keyId == null ? stored : decrypted(stored, manifest.clusterId(), keyId, scratch, manifest.artifact());
    }

    @Override
    public Path localFile(SegmentIndex segment, Path scratch) throws IOException {
        Path stored = inner.localFile(segment, scratch);
        String keyId = storedKeyId(stored);
        return keyId == null ? stored : decrypted(stored, segment.clusterId(), keyId, scratch, segment.artifact());
    }

    private Path decrypted(Path stored, String clusterId, String keyId, Path scratch, String name) throws IOException {
        BackupKey key = keys.apply(clusterId);
        if (key == null || !key.id().equals(keyId)) {
            throw new IOException(name + " of " + clusterId + " is encrypted with key " + keyId + ", and the"
                    + " cluster's encryption secret " + (key == null ? "is not set" : "holds " + key.id())
                    + ": put that key back (backup.encryption_key) to read it");
        }
        Files.createDirectories(scratch);
        Path plain = scratch.resolve("decrypted-" + name.replace('/', '_'));
        try (InputStream in = Encrypted.decrypt(Files.newInputStream(stored), key);
             OutputStream out = Files.newOutputStream(Files.createFile(plain,
                     PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                     StandardOpenOption.WRITE)) {
            in.transferTo(out);
        } catch (IOException e) {
            Files.deleteIfExists(plain);
            throw new IOException(name + " of " + clusterId + ": " + e.getMessage(), e);
        }
        return plain;
    }

    @Override
    public List<Manifest> manifests(String clusterId) throws IOException {
        return inner.manifests(clusterId);
    }

    @Override
    public Optional<Manifest> manifest(String clusterId, String backupId) throws IOException {
        return inner.manifest(clusterId, backupId);
    }

    @Override
    public String verify(Manifest manifest) throws IOException {
        return inner.verify(manifest);
    }

    @Override
    public void delete(Manifest manifest) throws IOException {
        inner.delete(manifest);
    }

    @Override
    public List<SegmentIndex> segments(String clusterId) throws IOException {
        return inner.segments(clusterId);
    }

    @Override
    public String verify(SegmentIndex segment) throws IOException {
        return inner.verify(segment);
    }

    @Override
    public void delete(SegmentIndex segment) throws IOException {
        inner.delete(segment);
    }
}
