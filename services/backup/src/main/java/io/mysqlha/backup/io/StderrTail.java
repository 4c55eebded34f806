package io.mysqlha.backup.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a child process (a dump tool, a client, a binlog streamer) says on stderr, drained as it goes so the child
 * never blocks on a full pipe, with only its last 64 KiB kept: the end is where a tool says why it failed.
 */
public final class StderrTail {
    private static final int KEEP = 64 * 1024;

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread drain;

    private StderrTail(InputStream stderr) {
        this.drain = Thread.ofVirtual().start(() -> copy(stderr));
    }

    public static StderrTail of(Process process) {
        return new StderrTail(process.getErrorStream());
    }

    private void copy(InputStream stderr) {
        byte[] buf = new byte[4096];
        try (stderr) {
            for (int n; (n = stderr.read(buf)) > 0; ) {
                synchronized (kept) {
                    if (kept.size() + n > KEEP) {
                        byte[] all = kept.toByteArray();
                        kept.reset();
                        int from = Math.max(0, all.length - KEEP / 2);
                        kept.write(all, from, all.length - from);
                    }
                    kept.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the child is gone: its exit code says how
        }
    }

    /** Waits (briefly) until the child closed stderr, so nothing it said last is missed. */
    public StderrTail settle() throws InterruptedException {
        drain.join(5_000);
        return this;
    }

    /** The last {@code chars} characters it said, or "(nothing on stderr)". */
    public String last(int chars) {
        String s;
        synchronized (kept) {
            s = kept.toString(StandardCharsets.UTF_8).strip();
        }
        if (s.isEmpty()) {
            return "(nothing on stderr)";
        }
        return s.length() > chars ? s.substring(s.length() - chars) : s;
    }

    /** Its last line. */
    public String lastLine() {
        String s = last(KEEP);
        return s.substring(s.lastIndexOf('\n') + 1);
    }
}
