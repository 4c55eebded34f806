package io.mysqlha.testsupport;

import io.mysqlha.testsupport.process.ManagedProcess;
import io.mysqlha.testsupport.process.ProcessRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessCleanupIT {

    /** A JVM that starts a child through the registry, prints its pid, and dies without running shutdown hooks. */
    public static final class DyingOwner {
        public static void main(String[] args) throws Exception {
            ManagedProcess child = ManagedProcess.start("sleeper", List.of("sleep", "300"), Path.of("."),
                    Path.of(args[0]), ManagedProcess.Ownership.TEST);
            System.out.println(child.pid());
            System.out.flush();
            Runtime.getRuntime().halt(137); // like kill -9: no hook runs
        }
    }

    @Test
    void shouldReapAChildWhoseOwnerJvmWasKilled() throws Exception {
        Path log = SharedInfra.dir("reap").resolve("sleeper.log");
        Process owner = new ProcessBuilder(ProjectLayout.java(), "-cp", System.getProperty("java.class.path"),
                DyingOwner.class.getName(), log.toString()).redirectErrorStream(true).start();
        String out = new String(owner.getInputStream().readAllBytes()).strip();
        assertTrue(owner.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, owner.exitValue(), out);
        long orphan = Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false), "the orphan outlived its owner");

        assertTrue(ProcessRegistry.reapOrphans() >= 1);
        Waits.until("orphan " + orphan + " to be gone", Duration.ofSeconds(10),
                () -> ProcessHandle.of(orphan).map(h -> !h.isAlive()).orElse(true));
        assertTrue(Files.notExists(Path.of(System.getProperty("java.io.tmpdir"), "mysqlha-processes",
                Long.toString(orphan))));
    }

    @Test
    void shouldFreezeThawAndKillAProcess() {
        Path log = SharedInfra.dir("signals").resolve("sleeper.log");
        ManagedProcess p = ManagedProcess.start("sleeper", List.of("sleep", "300"), Path.of("."), log,
                ManagedProcess.Ownership.TEST);
        p.freeze();
        Waits.until("state T (stopped)", Duration.ofSeconds(5), () -> state(p.pid()) == 'T');
        p.thaw();
        Waits.until("state S (running again)", Duration.ofSeconds(5), () -> state(p.pid()) == 'S');
        p.kill();
        assertTrue(!p.isAlive());
    }

    private static char state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
