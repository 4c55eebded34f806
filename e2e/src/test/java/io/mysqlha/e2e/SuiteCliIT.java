package io.mysqlha.e2e;

import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.process.ManagedProcess;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator CLI, as its packaged jar, against the suite as the local launcher runs it (probe, topology,
 * failover and backup as processes; a cluster named {@code local} of three semi-sync nodes), on the test's own
 * topic prefix: status shows the roles, switchover moves the writer, events tail prints the switchover's events as
 * they happen, backups run and list; bad input ends with its exit code and one clear line.
 */
class SuiteCliIT {
    private static final Topics TOPICS = new Topics("cli.");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static Path dir;
    private static ReplicationTopology t;
    private static ServiceProcess backup;

    @BeforeAll
    static void start() {
        SharedInfra.kafka().provisionTopics(TOPICS);
        dir = SharedInfra.dir("cli-it");
        t = ReplicationTopology.startForTests(dir.resolve("db"), 2);
        Suite suite = new Suite(SharedInfra.kafka().bootstrapServers(), TOPICS,
                Secrets.write(dir.resolve("secrets"), t.users()), dir);
        for (String s : List.of("health-probe", "topology", "failover", "backup")) {
            SERVICES.add(suite.start(s));
        }
        backup = SERVICES.getLast();
        io.mysqlha.testsupport.kafka.Specs.apply(SharedInfra.kafka().bootstrapServers(), TOPICS, t.spec("local"));
    }

    @AfterAll
    static void stop() {
        SERVICES.forEach(ServiceProcess::close);
        if (t != null) {
            t.close();
        }
    }

    /** The suite's Kafka and topic prefix for the CLI. */
    private static List<String> options() {
        return List.of("--bootstrap-servers", SharedInfra.kafka().bootstrapServers(), "--topic-prefix",
                TOPICS.prefix());
    }

    private static List<String> command(String... args) {
        return Cli.command(options(), args);
    }

    /** Runs the CLI to its end as an operator (stdout and stderr together), stopped by its pid after a minute. */
    private static Cli.Ran cli(String... args) throws IOException, InterruptedException {
        return cliWithToken(Secrets.OPERATOR_TOKEN, args);
    }

    /** With {@code token} in $MYSQLHA_API_TOKEN (null: none), as an operator gives it: never on the command line. */
    private static Cli.Ran cliWithToken(String token, String... args) throws IOException, InterruptedException {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("MYSQLHA_API_TOKEN_FILE", null);
        env.put("MYSQLHA_API_TOKEN", token);
        return Cli.run(dir, options(), env, Duration.ofSeconds(60), args);
    }

    /** The ROLE column of a node's row in {@code mysqlha status} output. */
    private static String role(String status, String node) {
        Matcher m = Pattern.compile("(?m)^" + node + "\\s+\\S+\\s+(\\S+)").matcher(status);
        return m.find() ? m.group(1) : "(no row for " + node + ")";
    }

    @Test
    void shouldShowTheRolesSwitchOverAndTailTheEventsAsTheyHappen() throws Exception {
        Waits.until("status naming node1 the writer", PATIENCE, () -> {
            Cli.Ran s = cli("status", "local");
            return s.exit() == 0 && role(s.out(), "node1").startsWith("writer")
                    && role(s.out(), "node2").equals("reader") && role(s.out(), "node3").equals("reader");
        });
        Cli.Ran list = cli("clusters", "list");
        assertEquals(0, list.exit());
        assertTrue(list.out().matches("(?s)CLUSTER\\s+KIND\\s+NODES.*\nlocal\\s+semi-sync\\s+3\\s+v1\\s+node1.*"),
                list.out());

        ManagedProcess tail = ManagedProcess.start("mysqlha events tail", command("events", "tail", "--cluster",
                "local"), dir, dir.resolve("tail-" + FreePorts.next() + ".log"), ManagedProcess.Ownership.TEST);
        try {
            Waits.until("events tail following", PATIENCE, () -> Files.readString(tail.log()).contains("following"));
            Cli.Ran switchover = cli("switchover", "local", "--to", "node3");
            assertEquals(0, switchover.exit(), switchover.out());
            assertTrue(switchover.out().contains("switched over: node3 is the primary of epoch 1 (was node1)"),
                    switchover.out());
            String requestId = switchover.out().substring(0, switchover.out().indexOf(" requested"));
            for (String type : List.of("SwitchoverRequested", "FailoverStarted", "FailoverCompleted")) {
                Waits.until("events tail printing the switchover's " + type, PATIENCE, () -> Files.readString(tail.log())
                        .lines().anyMatch(l -> l.contains("  local  " + type + "  ") && l.contains(requestId)));
            }
            assertTrue(Files.readString(tail.log()).lines().anyMatch(l -> l.contains("FailoverStepCompleted")
                    && l.contains("drain")), Files.readString(tail.log()));
        } finally {
            tail.kill();
        }
        Waits.until("status naming node3 the writer", PATIENCE, () -> {
            Cli.Ran s = cli("status", "local");
            return s.out().contains("epoch 1, writer node3") && role(s.out(), "node3").startsWith("writer")
                    && role(s.out(), "node1").equals("reader");
        });
    }

    @Test
    void shouldRunAndListABackup() throws Exception {
        String url = "http://127.0.0.1:" + backup.httpPort();
        Waits.until("the backup service owning local", PATIENCE, () -> backup.get("/clusters").body().contains("local"));
        Cli.Ran refused = cliWithToken(null, "backups", "--backup-url", url, "run", "local");
        assertEquals(2, refused.exit(), refused.out());
        assertTrue(refused.out().contains("needs a token") && refused.out().contains("MYSQLHA_API_TOKEN"),
                refused.out());
        Cli.Ran run = cli("backups", "--backup-url", url, "run", "local");
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("verification passed"), run.out());
        Cli.Ran list = cli("backups", "--backup-url", url, "list", "local");
        assertTrue(list.out().matches("(?s)BACKUP\\s+STATUS.*\nb-\\S+\\s+COMPLETED\\s+node\\d.*"), list.out());
    }

    @Test
    void shouldCreateTheTopicsOnlyWhenMissing() throws Exception {
        Cli.Ran again = cli("topics", "create");
        assertEquals(0, again.exit(), again.out());
        assertEquals("every topic exists already", again.out().strip());
    }

    @Test
    void shouldSayWhatIsWrongWithItsExitCode() throws Exception {
        Cli.Ran unknown = cli("status", "nope");
        assertEquals(2, unknown.exit());
        assertEquals("mysqlha: no cluster 'nope'; defined: [local]", unknown.out().strip());
        Cli.Ran node = cli("switchover", "local", "--to", "node9");
        assertEquals(2, node.exit());
        assertEquals("mysqlha: cluster local has no node 'node9'; its nodes: [node1, node2, node3]", node.out().strip());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "cluster_id: bad\nkind: semi_sync\nnodes: []\n");
        Cli.Ran apply = cli("clusters", "apply", "-f", bad.toString());
        assertEquals(2, apply.exit(), apply.out());
        assertTrue(apply.out().contains("nothing was applied"), apply.out());
        List<String> args = new ArrayList<>(command("--kafka-timeout", "2s", "clusters", "list"));
        args.set(args.indexOf(SharedInfra.kafka().bootstrapServers()), "127.0.0.1:" + FreePorts.next());
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out;
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            out = new String(p.getInputStream().readAllBytes());
        } finally {
            p.destroyForcibly();
        }
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("did not answer within 2 s"), out);
    }
}
