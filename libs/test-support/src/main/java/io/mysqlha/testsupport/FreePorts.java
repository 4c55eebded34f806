package io.mysqlha.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports nobody listens on, so two test runs never collide. A port is taken below the kernel's ephemeral
 * range ({@code ip_local_port_range}): a port of that range, free when asked for, may become the local port of any
 * outgoing connection (a JDBC or Kafka client) before the server it was meant for binds it. And it is reserved for
 * the life of this JVM with a lock on a file of its own in the temporary directory, so that another run on the same
 * machine, which asks the same question at the same moment, gets another one.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    private static final List<FileChannel> RESERVATIONS = new ArrayList<>(); // held open: the locks last the JVM

    private FreePorts() {
    }

    public static synchronized int next() {
        int highest = ephemeralStart() - 1;
        for (int attempt = 0; attempt < 2_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (!HANDED_OUT.contains(port) && reserve(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + highest
                + " after 2000 tries");
    }

    /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /** Whether this JVM now holds the machine-wide reservation of the port (no other run holds it). */
    private static boolean reserve(int port) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "mysqlha-ports");
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(Integer.toString(port)), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return false;
            }
            RESERVATIONS.add(channel);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reserve a port under the temporary directory", e);
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false; // this JVM holds it already
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
