package io.mysqlha.backup.io;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Backups encrypted at rest with AES-256-GCM, as a stream of any length in constant memory: the plaintext goes in
 * records of 64 KiB, each sealed on its own (the STREAM construction): its nonce is a random prefix of the file,
 * the record's number and a flag marking the last record, so records cannot be reordered, dropped, or cut off at the
 * end without the next read failing. A file starts with a header: {@code MHAENC1\n}, the key's 8-byte id (which key
 * it needs, see {@link BackupKey}) and the 7-byte nonce prefix.
 */
public final class Encrypted {
    static final byte[] MAGIC = "MHAENC1\n".getBytes(StandardCharsets.US_ASCII);
    static final int RECORD = 64 * 1024;
    private static final int TAG = 16;
    private static final int PREFIX = 7;
    private static final int HEADER = MAGIC.length + 8 + PREFIX;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Encrypted() {
    }

    /** Encrypts what is written into {@code out} (closing it closes {@code out}, after the last record). */
    public static OutputStream encrypt(OutputStream out, BackupKey key) throws IOException {
        return new Writer(out, key);
    }

    /** Decrypts {@code in}; a wrong key, a changed byte or a cut-off file fails the read, saying which. */
    public static InputStream decrypt(InputStream in, BackupKey key) throws IOException {
        return new Reader(in, key);
    }

    /** The id of the key a stored file was encrypted with, from its header; null when it is not encrypted. */
    public static String keyIdOf(InputStream in) throws IOException {
        byte[] head = in.readNBytes(MAGIC.length + 8);
        if (head.length < MAGIC.length + 8 || !Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
            return null;
        }
        return BackupKey.idOf(Arrays.copyOfRange(head, MAGIC.length, MAGIC.length + 8));
    }

    private static byte[] nonce(byte[] prefix, long record, boolean last) {
        if (record > 0xffffffffL) {
            throw new IllegalStateException("more than 2^32 records (256 TiB) in one encrypted file");
        }
        return ByteBuffer.allocate(12).put(prefix).putInt((int) record).put((byte) (last ? 1 : 0)).array();
    }

    private static final class Writer extends FilterOutputStream {
        private final BackupKey key;
        private final byte[] prefix = new byte[PREFIX];
        private final byte[] buffer = new byte[RECORD];
        private final Cipher cipher;
        private int filled;
        private long record;
        private boolean closed;

        Writer(OutputStream out, BackupKey key) throws IOException {
            super(out);
            this.key = key;
            RANDOM.nextBytes(prefix);
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-GCM is not available in this JVM", e);
            }
            out.write(MAGIC);
            out.write(key.idBytes());
            out.write(prefix);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == RECORD) {
                    seal(false); // a full record is sealed only once more follows: the last one carries the flag
                }
                int n = Math.min(len, RECORD - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG * 8, nonce(prefix, record, last)));
                out.write(cipher.doFinal(buffer, 0, filled));
            } catch (GeneralSecurityException e) {
                throw new IOException("encrypting record " + record + " failed: " + e.getMessage(), e);
            }
            record++;
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush(); // a partial record stays in the buffer until it is full or the stream ends
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                seal(true);
                out.flush();
            } finally {
                out.close();
            }
        }
    }

    private static final class Reader extends InputStream {
        private final InputStream in;
        private final BackupKey key;
        private final byte[] prefix = new byte[PREFIX];
        private final byte[] sealed = new byte[RECORD + TAG + 1];
        private final Cipher cipher;
        private byte[] plain = new byte[0];
        private int at;
        private long record;
        private boolean ended;
        /** The first byte of the next record, read ahead to know whether the current one is the last. */
        private int ahead;

        Reader(InputStream in, BackupKey key) throws IOException {
            this.in = in;
            this.key = key;
            byte[] header = in.readNBytes(HEADER);
            if (header.length < HEADER || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
                throw new IOException("not a file mysqlha encrypted (no MHAENC1 header)");
            }
            byte[] id = Arrays.copyOfRange(header, MAGIC.length, MAGIC.length + 8);
            if (!Arrays.equals(id, key.idBytes())) {
                throw new IOException("encrypted with key " + BackupKey.idOf(id) + ", not with " + key.id()
                        + " (the key in the cluster's encryption secret now): put that key back to read it");
            }
            System.arraycopy(header, MAGIC.length + 8, prefix, 0, PREFIX);
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-GCM is not available in this JVM", e);
            }
            ahead = in.read();
        }

        private boolean next() throws IOException {
            if (ended) {
                return false;
            }
            if (ahead < 0) {
                throw new EOFException("the encrypted file ends before its last record: it was cut off");
            }
            sealed[0] = (byte) ahead;
            int n = 1 + in.readNBytes(sealed, 1, RECORD + TAG - 1);
            ahead = in.read();
            boolean last = ahead < 0;
            if (n < TAG) {
                throw new EOFException("the encrypted file ends inside record " + record + ": it was cut off");
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG * 8, nonce(prefix, record, last)));
                plain = cipher.doFinal(sealed, 0, n);
            } catch (AEADBadTagException e) {
                throw new IOException("record " + record + " of the encrypted file does not authenticate: the file was"
                        + " changed, reordered or cut off", e);
            } catch (GeneralSecurityException e) {
                throw new IOException("decrypting record " + record + " failed: " + e.getMessage(), e);
            }
            at = 0;
            record++;
            ended = last;
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (at == plain.length) {
                if (!next()) {
                    return -1;
                }
            }
            int n = Math.min(len, plain.length - at);
            System.arraycopy(plain, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
