package io.mysqlha.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sysbench's oltp_read_write through the read/write listener for 30 s: transactions of point selects, ranges,
 * updates, deletes and inserts over server-side prepared statements, from 4 threads at once. sysbench stops at the
 * first error other than the database's own deadlock and lock-wait answers (1213, 1205), which concurrent updates of
 * the same rows produce on a direct connection too; so a clean exit means no error came from the gateway.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewaySysbenchIT {

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    private static String sysbench(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sysbench", "oltp_read_write", "--mysql-host=127.0.0.1",
                "--mysql-port=" + GatewayTestInfra.rwPort, "--mysql-user=app", "--mysql-password=app",
                "--mysql-db=app", "--tables=2", "--table-size=10000", "--db-driver=mysql",
                "--mysql-ignore-errors=1213,1205"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sysbench finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void shouldRunOltpReadWriteForThirtySecondsWithoutAnError() throws Exception {
        sysbench("cleanup");
        sysbench("--threads=2", "prepare");
        String out = sysbench("--threads=4", "--time=30", "--report-interval=0", "run");
        System.out.println(out);
        Matcher tx = Pattern.compile("transactions:\\s+(\\d+)").matcher(out);
        assertTrue(tx.find(), out);
        assertTrue(Long.parseLong(tx.group(1)) > 100, "transactions ran: " + tx.group(1));
        Matcher deadlocks = Pattern.compile("ignored errors:\\s+(\\d+)").matcher(out);
        assertTrue(deadlocks.find(), out);
        System.out.println("deadlocks and lock waits MariaDB answered (ignored, as sysbench does): "
                + deadlocks.group(1));
        Matcher reconnects = Pattern.compile("reconnects:\\s+(\\d+)").matcher(out);
        assertTrue(reconnects.find() && Long.parseLong(reconnects.group(1)) == 0, out);
        sysbench("cleanup");
    }
}
