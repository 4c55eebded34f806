package io.mysqlha.backup.io;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The compressions a dump can be stored with, as the spec names them: zstd (default), gzip, none. */
public enum Compression {
    ZSTD(".zst"), GZIP(".gz"), NONE("");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    public static Compression of(String name) {
        return switch (name == null ? "zstd" : name) {
            case "zstd" -> ZSTD;
            case "gzip" -> GZIP;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("compression must be zstd, gzip or none; got " + name);
        };
    }

    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dump artefact's file name ending. */
    public String extension() {
        return ".sql" + extension;
    }

    /** Compresses into {@code out}; closing the result finishes the stream and closes {@code out}. */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case ZSTD -> {
                // one worker: compression runs beside the thread that reads the dump tool, as `| zstd` would
                ZstdOutputStream z = new ZstdOutputStream(out, 3);
                z.setWorkers(1);
                yield z;
            }
            case GZIP -> new GZIPOutputStream(out, 64 * 1024);
            case NONE -> out;
        };
    }

    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdInputStream(in);
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case NONE -> in;
        };
    }
}
