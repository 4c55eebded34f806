package io.mysqlha.backup.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The backup repository as a directory ({@code var/backups} locally, any mounted volume in production), one folder
 * per cluster. Every file is written as {@code .partial-<random>-<name>}, forced to disk, renamed atomically and
 * the folder forced too: after a crash a file is either whole under its name or a partial file that listing
 * ignores and {@link #removePartials} removes.
 */
public final class LocalRepository implements BackupRepository {
    /** Every file the repository writes is the service user's alone (0600). */
    private static final java.util.Set<StandardOpenOption> OWNER_ONLY_NEW = java.util.Set.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    private static final String PARTIAL = ".partial-";
    private static final String BINLOGS = "binlogs";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    public LocalRepository(Path root) {
        this.root = root;
    }

    private Path folder(String clusterId) throws IOException {
        Path dir = root.resolve(safe(clusterId, "cluster id"));
        Files.createDirectories(dir);
        return dir;
    }

    /** A cluster's archived binlogs live in a folder of their own beside its dumps. */
    private Path binlogs(String clusterId) throws IOException {
        Path dir = folder(clusterId).resolve(BINLOGS);
        Files.createDirectories(dir);
        return dir;
    }

    /** Names become file names: only what cannot climb out of the folder or hide as a partial file. */
    private static String safe(String name, String what) {
        if (name == null || !SAFE.matcher(name).matches()) {
            throw new IllegalArgumentException("a backup " + what + " must be letters, digits, '.', '_' or '-'"
                    + " (not starting with '.' or '-'); got " + name);
        }
        return name;
    }

    @Override
    public Artifact create(String clusterId, String name) throws IOException {
        return createIn(folder(clusterId), name);
    }

    @Override
    public Artifact createSegment(String clusterId, String name) throws IOException {
        return createIn(binlogs(clusterId), name);
    }

    private static Artifact createIn(Path dir, String name) throws IOException {
        Path target = dir.resolve(safe(name, "artefact name"));
        if (Files.exists(target)) {
            throw new IOException("artefact " + target + " exists already; a backup never overwrites one");
        }
        return new LocalArtifact(dir, target);
    }

    private static final class LocalArtifact implements Artifact {
        private final Path dir;
        private final Path target;
        private final Path partial;
        private final FileChannel channel;
        private final MessageDigest sha;
        private final CountingStream out;
        private boolean committed;

        LocalArtifact(Path dir, Path target) throws IOException {
            this.dir = dir;
            this.target = target;
            this.partial = dir.resolve(PARTIAL + UUID.randomUUID().toString().substring(0, 8) + "-"
                    + target.getFileName());
            this.channel = FileChannel.open(partial, OWNER_ONLY_NEW, OWNER_ONLY);
            this.sha = sha256();
            this.out = new CountingStream(new DigestOutputStream(Channels.newOutputStream(channel), sha));
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public long bytes() {
            return out.count;
        }

        @Override
        public String commit() throws IOException {
            out.flush();
            channel.force(true);
            channel.close();
            move(partial, target);
            forceDirectory(dir);
            committed = true;
            return HexFormat.of().formatHex(sha.digest());
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                try {
                    channel.close();
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
        }
    }

    /** Counts what passes. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    @Override
    public void write(Manifest manifest) throws IOException {
        writeJson(folder(manifest.clusterId()), safe(manifest.backupId(), "id") + ".json", manifest);
    }

    @Override
    public void write(SegmentIndex segment) throws IOException {
        writeJson(binlogs(segment.clusterId()), safe(segment.artifact(), "segment name") + ".json", segment);
    }

    private static void writeJson(Path dir, String name, Object value) throws IOException {
        Path target = dir.resolve(name);
        Path partial = dir.resolve(PARTIAL + UUID.randomUUID().toString().substring(0, 8) + "-"
                + target.getFileName());
        try (FileChannel ch = FileChannel.open(partial, OWNER_ONLY_NEW, OWNER_ONLY)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(value)));
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        move(partial, target);
        forceDirectory(dir);
    }

    @Override
    public List<Manifest> manifests(String clusterId) throws IOException {
        List<Manifest> found = readAll(folder(clusterId), Manifest.class, "manifest");
        found.sort(Comparator.comparing(Manifest::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Manifest::backupId));
        return found;
    }

    @Override
    public List<SegmentIndex> segments(String clusterId) throws IOException {
        List<SegmentIndex> found = readAll(binlogs(clusterId), SegmentIndex.class, "binlog segment index");
        found.sort(Comparator.comparingLong(SegmentIndex::sequence));
        return found;
    }

    private static <T> List<T> readAll(Path dir, Class<T> type, String what) throws IOException {
        List<T> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(PARTIAL)).toList()) {
                try {
                    found.add(JSON.readValue(p.toFile(), type));
                } catch (IOException e) {
                    throw new IOException(what + " " + p + " cannot be read (" + e.getMessage() + "); move it"
                            + " out of the repository or restore it from a copy", e);
                }
            }
        }
        return found;
    }

    @Override
    public Optional<Manifest> manifest(String clusterId, String backupId) throws IOException {
        Path p = folder(clusterId).resolve(safe(backupId, "id") + ".json");
        return Files.exists(p) ? Optional.of(JSON.readValue(p.toFile(), Manifest.class)) : Optional.empty();
    }

    @Override
    public String verify(Manifest manifest) throws IOException {
        return verify(folder(manifest.clusterId()).resolve(safe(manifest.artifact(), "artefact name")),
                manifest.bytes(), manifest.sha256(), "manifest");
    }

    @Override
    public String verify(SegmentIndex segment) throws IOException {
        return verify(binlogs(segment.clusterId()).resolve(safe(segment.artifact(), "segment name")), segment.bytes(),
                segment.sha256(), "index");
    }

    private static String verify(Path p, long bytes, String expected, String by) throws IOException {
        if (!Files.exists(p)) {
            return "artefact " + p + " is missing";
        }
        long size = Files.size(p);
        if (size != bytes) {
            return "artefact " + p + " has " + size + " bytes; its " + by + " says " + bytes
                    + " (truncated or replaced: it must not be restored)";
        }
        MessageDigest sha = sha256();
        try (var in = new java.security.DigestInputStream(Files.newInputStream(p), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        return actual.equals(expected) ? null : "artefact " + p + " has SHA-256 " + actual
                + "; its " + by + " says " + expected + " (corrupted: it must not be restored)";
    }

    @Override
    public void delete(Manifest manifest) throws IOException {
        Path dir = folder(manifest.clusterId());
        Files.deleteIfExists(dir.resolve(safe(manifest.backupId(), "id") + ".json"));
        forceDirectory(dir);
        if (manifest.artifact() != null) {
            Files.deleteIfExists(dir.resolve(safe(manifest.artifact(), "artefact name")));
        }
    }

    @Override
    public void delete(SegmentIndex segment) throws IOException {
        Path dir = binlogs(segment.clusterId());
        Files.deleteIfExists(dir.resolve(safe(segment.artifact(), "segment name") + ".json"));
        forceDirectory(dir);
        Files.deleteIfExists(dir.resolve(segment.artifact()));
    }

    @Override
    public Path localFile(Manifest manifest, Path scratch) throws IOException {
        return folder(manifest.clusterId()).resolve(safe(manifest.artifact(), "artefact name"));
    }

    @Override
    public Path localFile(SegmentIndex segment, Path scratch) throws IOException {
        return binlogs(segment.clusterId()).resolve(safe(segment.artifact(), "segment name"));
    }

    /** Removes what a crash left half written, dumps and binlogs; returns how many files. */
    public int removePartials(String clusterId) throws IOException {
        int n = 0;
        for (Path dir : List.of(folder(clusterId), binlogs(clusterId))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.getFileName().toString().startsWith(PARTIAL)).toList()) {
                    Files.deleteIfExists(p);
                    n++;
                }
            }
        }
        return n;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(from);
            throw new IOException("the backup repository " + to.getParent() + " cannot rename atomically ("
                    + e.getMessage() + "); put it on a local or POSIX file system", e);
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
