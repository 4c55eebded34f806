package io.mysqlha.testsupport.bench;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.domain.RoutingPolicy;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.kafka.ClusterSpecApplier;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.MySqlBinaries;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.tls.Certificates;
import io.mysqlha.testsupport.servers.Sql;
import io.mysqlha.testsupport.process.ManagedProcess;
import io.mysqlha.testsupport.services.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * sysbench through the gateway, directly, through HAProxy (TCP mode) and MySQL Router 9.7, in one interleaved run on the same
 * semi-sync primary; then the gateway's memory with many idle authenticated clients. Prints figures; asserts nothing.
 */
public final class GatewayBench {
    private static final String CLUSTER = "bench-gateway";
    private static final String SPLIT = "bench-split";
    private static final String OTHER = "bench-other";
    /**
     * sysbench's own (each transaction in BEGIN/COMMIT), and read_only and read_write without them: what splitting
     * can spread (read_write's DELETE and INSERT of one id by two threads then meet: 1062, and the gap locks of
     * autocommit INSERTs deadlock, 1213; ignored with sysbench's own default list, which the option replaces).
     */
    private static final List<String> ALL_WORKLOADS = List.of("oltp_point_select", "oltp_read_only",
            "oltp_read_write", "oltp_read_only --skip_trx=on",
            "oltp_read_write --skip_trx=on --mysql-ignore-errors=1062,1213,1205,1020");
    private static final int WARM_UP_RUNS = 8;
    private static final double SETTLED_JIT_SHARE = 0.02;
    /** How the sysbench wrapper prints the CPU clock ticks (user, system) sysbench took. */
    private static final String CLIENT_TICKS = "sysbench CPU ticks:";
    /**
     * -Dpin=true: the proxy under test alone on the second core, sysbench and every server on the first (HAProxy's
     * own advice for a proxy: a core of its own), so the scheduler's placement of the endpoints stops being part of
     * the comparison; without it every process runs where the kernel puts it.
     */
    private static final boolean PIN = Boolean.getBoolean("pin");
    private static final List<String> ALL_TARGETS = List.of("direct", "haproxy", "router", "gateway", "split",
            "split-global", "split-none", "other", "gateway-tls");
    /**
     * Ports whose clients speak TLS, and the directory sysbench runs in for them: sysbench 1.0's --mysql-ssl=on reads
     * client-key.pem, client-cert.pem and cacert.pem from its working directory.
     */
    private static final Map<Integer, Path> TLS_CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();
    /** The splitting listeners, by their causal reads: session (the default), global, none. */
    private static final List<String> SPLITS = List.of("split", "split-global", "split-none");

    /**
     * One sysbench run: its QPS and p95, the proxy's CPU per query (all of it, and the part in user mode), and the
     * CPU per query of the machine, the primary MariaDB server and sysbench itself.
     */
    /** -Dstorm: TLS logins that run beside each measured run of a TLS target (0: none). */
    private static final int STORM = Integer.getInteger("storm", 0);
    /** Per workload/target: the storm's logins per second in each run. */
    private static final Map<String, List<Double>> STORM_RATES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Clients that log in over TLS (MariaDB Connector/J, SELECT 1, close) in a loop until stopped. */
    private static final class Storm {
        private final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicLong logins = new java.util.concurrent.atomic.AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private final long started = System.nanoTime();

        static Storm start(int clients, int port, Path tls) {
            Storm s = new Storm();
            String url = "jdbc:mariadb://127.0.0.1:" + port + "/app?user=app&password=app&sslMode=verify-ca"
                    + "&serverSslCert=" + tls.resolve("cacert.pem");
            for (int i = 0; i < clients; i++) {
                s.threads.add(Thread.ofPlatform().daemon().name("storm-" + i).start(() -> {
                    while (!s.stop.get()) {
                        try (var c = java.sql.DriverManager.getConnection(url); var st = c.createStatement();
                             var rs = st.executeQuery("SELECT 1")) {
                            rs.next();
                            s.logins.incrementAndGet();
                        } catch (java.sql.SQLException e) {
                            // a refused login under the storm is not counted
                        }
                    }
                }));
            }
            return s;
        }

        /** Stops it; its logins per second. */
        double stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            return logins.get() / ((System.nanoTime() - started) / 1e9);
        }
    }

    record Run(double qps, double p95, double cpuMicrosPerQuery, double userMicrosPerQuery, double jitShare,
               double machineMicrosPerQuery, double idleShare, double stealShare, double serverMicrosPerQuery,
               double clientMicrosPerQuery) {
    }

    /** MySQL Router listening on {@code port}, routing every connection to {@code primary}; waits until it listens. */
    private static ManagedProcess mysqlRouter(Path dir, int port, int primary) throws IOException {
        Path home = dir.resolve("router");
        Files.createDirectories(home);
        Path cfg = home.resolve("mysqlrouter.conf");
        Files.writeString(cfg, String.join("\n", "[DEFAULT]", "logging_folder=" + home, "runtime_folder=" + home,
                "data_folder=" + home, "plugin_folder=" + MySqlBinaries.root().resolve("usr/lib/mysqlrouter/plugin"),
                "[logger]", "level=WARNING", "[routing:rw]", "bind_address=127.0.0.1",
                "bind_port=" + port, "destinations=127.0.0.1:" + primary, "routing_strategy=first-available",
                "protocol=classic", "max_connections=4000", ""));
        List<String> args = new ArrayList<>(List.of("-c", cfg.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            args.add("--user=root"); // Router refuses to run as root unless told so
        }
        ManagedProcess router = ManagedProcess.start("mysqlrouter", MySqlBinaries.command("mysqlrouter",
                args.toArray(String[]::new)), home, home.resolve("stdout.log"), ManagedProcess.Ownership.TEST);
        Waits.until("MySQL Router listening on " + port, Duration.ofSeconds(30), () -> {
            if (!router.isAlive()) {
                throw new IllegalStateException("mysqlrouter exited:\n" + router.tail(20)
                        + ManagedProcess.tailOf(home.resolve("mysqlrouter.log"), 20));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return router;
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("seconds", 10);
        int rounds = Integer.getInteger("rounds", 3);
        int threads = Integer.getInteger("threads", 4);
        // idle sessions give their backend connections back after idle-backend-release-ms (2 s here), so 10,000
        // clients fit the gateway's 20,000 descriptors
        int idle = Integer.getInteger("idle", 10_000);
        List<String> workloads = chosen("workloads", ALL_WORKLOADS);
        List<String> chosenTargets = chosen("targets", ALL_TARGETS);
        Topics topics = new Topics("bench-gw-" + UUID.randomUUID().toString().substring(0, 6) + ".");
        ReplicationTopology t = SharedInfra.replicationTopology();
        MariaDbNode primary = t.primary();
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("bench-gateway");
        Files.writeString(dir.resolve("mysqlha-app-users"), "app:app\n");
        int rw = FreePorts.next();
        int rwTls = FreePorts.next();
        int split = FreePorts.next();
        ClusterSpec base = t.spec(CLUSTER);
        // TLS: a CA, the proxies' certificate (the gateway's in its secrets, Router's as files), sysbench's files
        Path tlsDir = dir.resolve("tls");
        Certificates ca = Certificates.authority(tlsDir, "bench CA");
        Certificates proxyCert = ca.sign(tlsDir, "bench-proxy");
        Certificates clientCert = ca.sign(tlsDir, "bench-client");
        Files.writeString(dir.resolve("gateway-tls-cert"), proxyCert.certPem());
        Files.writeString(dir.resolve("gateway-tls-key"), proxyCert.keyPem());
        Path sysbenchTls = tlsDir.resolve("sysbench");
        Files.createDirectories(sysbenchTls);
        Files.writeString(sysbenchTls.resolve("client-key.pem"), clientCert.keyPem());
        Files.writeString(sysbenchTls.resolve("client-cert.pem"), clientCert.certPem());
        Files.writeString(sysbenchTls.resolve("cacert.pem"), ca.certPem());
        // "gateway": the pass-through figure (no splitting); "split": the same nodes with statement-level splitting
        // and causal reads, reads to the two replicas
        applySpec(topics, new ClusterSpec(CLUSTER, base.kind(), base.nodes(),
                new RoutingPolicy(null, null, null, null, false), null, List.of(
                new ListenerSpec("rw", "127.0.0.1", rw, ListenerRole.READ_WRITE, idle + 1_000),
                new ListenerSpec("rw-tls", "127.0.0.1", rwTls, ListenerRole.READ_WRITE, 1_000,
                        new io.mysqlha.domain.ListenerTls("gateway-tls-cert", "gateway-tls-key", true))), null, null,
                null));
        applySpec(topics, new ClusterSpec(SPLIT, base.kind(), base.nodes(), null, null, List.of(
                new ListenerSpec("split", "127.0.0.1", split, ListenerRole.READ_WRITE, 1_000)), null, null, null));
        // the cost of causal reads: the same splitting listener with global causal reads, and with none
        Map<String, Integer> splitPorts = new LinkedHashMap<>();
        splitPorts.put("split", split);
        for (var mode : List.of(RoutingPolicy.CausalReads.GLOBAL, RoutingPolicy.CausalReads.NONE)) {
            String name = "split-" + mode.name().toLowerCase(java.util.Locale.ROOT);
            int port = FreePorts.next();
            splitPorts.put(name, port);
            applySpec(topics, new ClusterSpec("bench-" + name, base.kind(), base.nodes(), new RoutingPolicy(null, null,
                    null, null, true, mode, null, null, null), null, List.of(new ListenerSpec(name, "127.0.0.1", port,
                    ListenerRole.READ_WRITE, 1_000)), null, null, null));
            publishTopology(topics, "bench-" + name, primary, t.replicas());
        }
        publishTopology(topics, CLUSTER, primary, List.of(primary));
        publishTopology(topics, SPLIT, primary, t.replicas());
        // -DotherGateway=JAR: another build of the gateway beside this one, in the same rounds (an A/B of a change
        // whose effect is smaller than this machine's run-to-run noise)
        String otherJar = System.getProperty("otherGateway", "").strip();
        // -DotherTls=true: the other gateway's listener requires TLS as gateway-tls's does (an A/B of TLS engines)
        boolean otherTls = Boolean.getBoolean("otherTls");
        int other = FreePorts.next();
        if (!otherJar.isEmpty()) {
            applySpec(topics, new ClusterSpec(OTHER, base.kind(), base.nodes(),
                    new RoutingPolicy(null, null, null, null, false), null, List.of(
                    new ListenerSpec("other", "127.0.0.1", other, ListenerRole.READ_WRITE, 1_000, otherTls
                            ? new io.mysqlha.domain.ListenerTls("gateway-tls-cert", "gateway-tls-key", true) : null)),
                    null, null, null));
            publishTopology(topics, OTHER, primary, List.of(primary));
        }
        try (var admin = primary.connect(t.users().admin())) {
            Sql.execute(admin, "SET GLOBAL max_connections = " + (idle + 2_000));
        }
        ServiceProcess gateway = ServiceProcess.start("proxy-gateway", Map.of(
                "mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                "mysqlha.topic-prefix", topics.prefix(), "mysqlha.secrets-dir", dir.toString(),
                "mysqlha.instance-id", "bench", "mysqlha.gateway.idle-backend-release-ms", "2000",
                "mysqlha.gateway.clusters", CLUSTER + "," + SPLIT + ",bench-split-global,bench-split-none"), dir,
                gatewayJvm("gatewayJvm"));
        ServiceProcess otherGateway = otherJar.isEmpty() ? null : ServiceProcess.start("proxy-gateway",
                Path.of(otherJar), Map.of("mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                        "mysqlha.topic-prefix", topics.prefix(), "mysqlha.secrets-dir", dir.toString(),
                        "mysqlha.instance-id", "bench-other", "mysqlha.gateway.clusters", OTHER), dir,
                gatewayJvm("otherGatewayJvm"));
        for (int port : java.util.stream.Stream.concat(java.util.stream.Stream.of(rw, rwTls),
                splitPorts.values().stream()).toList()) {
            Waits.until("gateway listening on " + port, Duration.ofSeconds(60), () -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                }
            });
        }
        int haproxyPort = FreePorts.next();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, String.join("\n", "global", "  maxconn 4000", "defaults", "  mode tcp",
                "  timeout connect 5s", "  timeout client 1h", "  timeout server 1h", "listen mysql",
                "  bind 127.0.0.1:" + haproxyPort, "  server primary 127.0.0.1:" + primary.port(), ""));
        ManagedProcess haproxy = ManagedProcess.start("haproxy", List.of("haproxy", "-f", cfg.toString(), "-db"), dir,
                dir.resolve("haproxy.log"), ManagedProcess.Ownership.TEST);
        Waits.until("haproxy listening on " + haproxyPort, Duration.ofSeconds(30), () -> {
            if (!haproxy.isAlive()) {
                return true;
            }
            try (Socket s = new Socket("127.0.0.1", haproxyPort)) {
                return true;
            }
        });
        if (!haproxy.isAlive()) {
            throw new IllegalStateException("haproxy exited:\n" + haproxy.tail(20));
        }
        // MySQL Router 9.7 (Debian sid's, MySqlBinaries) with a static route to the primary: a peer beside HAProxy
        int routerPort = FreePorts.next();
        ManagedProcess router = chosenTargets.contains("router") ? mysqlRouter(dir, routerPort, primary.port()) : null;
        TLS_CLIENTS.put(rwTls, sysbenchTls);
        if (PIN) {
            if (Runtime.getRuntime().availableProcessors() < 2) {
                throw new IllegalStateException("-Dpin=true needs two cores: the proxy on one, the rest on the other");
            }
            List<Long> servers = new ArrayList<>(List.of(primary.process().pid(),
                    SharedInfra.kafka().process().pid()));
            t.replicas().forEach(r -> servers.add(r.process().pid()));
            pin("0", servers);
            List<Long> proxies = new ArrayList<>(List.of(haproxy.pid(), gateway.process().pid()));
            if (router != null) {
                proxies.add(router.pid());
            }
            if (otherGateway != null) {
                proxies.add(otherGateway.process().pid());
            }
            pin("1", proxies);
        }
        Map<String, Integer> targets = new LinkedHashMap<>();
        targets.put("direct", primary.port());
        targets.put("haproxy", haproxyPort);
        if (router != null) {
            targets.put("router", routerPort);
        }
        targets.put("gateway", rw);
        targets.putAll(splitPorts);
        targets.put("gateway-tls", rwTls);
        if (otherGateway != null) {
            targets.put("other", other);
            if (otherTls) {
                TLS_CLIENTS.put(other, sysbenchTls);
            }
            Waits.until("the other gateway serving its listener", Duration.ofSeconds(60), () -> otherGateway.process()
                    .tail(200).contains("listener " + OTHER + "/other"));
            otherGateway.process().tail(200).lines().filter(l -> l.contains("TLS")).forEach(l ->
                    System.out.println("the other gateway: " + l.replaceFirst("^.*\\] ", "")));
            Waits.until("the other gateway listening on " + other, Duration.ofSeconds(60), () -> {
                try (Socket s = new Socket("127.0.0.1", other)) {
                    return true;
                }
            });
        }
        targets.keySet().retainAll(chosenTargets);
        try {
            sysbench(primary.port(), "oltp_read_write", "--tables=1", "--table-size=10000", "cleanup");
            sysbench(primary.port(), "oltp_read_write", "--tables=1", "--table-size=10000", "prepare");
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            for (String w : workloads) { // each gateway's JIT settles before its first measured run
                for (String g : List.of("gateway", "split", "split-global", "split-none", "other", "gateway-tls")) {
                    if (targets.containsKey(g)) {
                        warmUp(g, g.equals("other") ? otherGateway : gateway, primary.process().pid(),
                                targets.get(g), w, threads);
                    }
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (String w : workloads) {
                    // each round starts one target later: none always runs right after another (after its writes,
                    // the purge and page flushing they leave, or on a machine its predecessor warmed)
                    List<Map.Entry<String, Integer>> order = new ArrayList<>(targets.entrySet());
                    Collections.rotate(order, -round);
                    for (var target : order) {
                        boolean viaOther = target.getKey().equals("other");
                        boolean viaGateway = target.getKey().startsWith("gateway") || SPLITS.contains(target.getKey())
                                || viaOther;
                        boolean viaHaproxy = target.getKey().equals("haproxy");
                        boolean viaRouter = target.getKey().equals("router");
                        // the proxy in the path pays for it: the gateway's CPU, or HAProxy's or Router's beside it
                        long proxyPid = viaHaproxy ? haproxy.pid() : viaRouter ? router.pid()
                                : viaOther ? otherGateway.process().pid() : gateway.process().pid();
                        // -Dstorm=N: N clients log in over TLS again and again to the target measured with TLS
                        boolean stormed = STORM > 0 && TLS_CLIENTS.containsKey(target.getValue());
                        Storm storm = stormed ? Storm.start(STORM, target.getValue(), sysbenchTls) : null;
                        Cost c;
                        try {
                            c = measure(proxyPid, viaGateway, primary.process().pid(), () -> sysbench(
                                    target.getValue(), w, "--tables=1", "--table-size=10000", "--threads=" + threads,
                                    "--time=" + seconds, "--report-interval=0", "run"));
                        } finally {
                            if (storm != null) {
                                STORM_RATES.computeIfAbsent(w + "/" + target.getKey(), k -> new ArrayList<>())
                                        .add(storm.stop());
                            }
                        }
                        boolean proxied = viaGateway || viaHaproxy || viaRouter;
                        double queries = number(c.output(), "queries:\\s+(\\d+)");
                        runs.computeIfAbsent(w + "/" + target.getKey(), k -> new ArrayList<>()).add(new Run(
                                number(c.output(), "queries:\\s+\\d+\\s+\\(([\\d.]+) per sec"),
                                number(c.output(), "95th percentile:\\s+([\\d.]+)"),
                                proxied ? (c.user() + c.system()) * 10_000.0 / queries : Double.NaN,
                                proxied ? c.user() * 10_000.0 / queries : Double.NaN, c.jitShare(),
                                c.machine()[0] * 10_000.0 / queries, c.machineShare(1), c.machineShare(2),
                                c.server() * 10_000.0 / queries, c.client() * 10_000.0 / queries));
                    }
                }
            }
            System.out.printf("gateway bench: sysbench %d threads, %d s x %d interleaved rounds (medians; each round"
                    + " starts one target later), 1 table of 10,000 rows, MariaDB 10.11 semi-sync primary, %d cores%s%n",
                    threads, seconds, rounds, Runtime.getRuntime().availableProcessors(), PIN ? " (pinned: the proxy"
                    + " on CPU 1, sysbench and the servers on CPU 0)" : "");
            System.out.printf("%-30s %10s %10s %10s %10s %8s %8s %8s %8s %10s %9s %10s %10s %10s %12s %11s %11s%n",
                    "workload", "direct QPS", "HAProxy", "gateway", "split", "p95 dir", "p95 HAP", "p95 gw", "p95 spl",
                    "gw/HAProxy", "gw/direct", "split/gw", "gw CPU us/q", "spl CPU us/q", "HAP CPU us/q",
                    "gw user", "HAP user");
            for (String w : workloads) {
                Run d = median(runs.get(w + "/direct"));
                Run h = median(runs.get(w + "/haproxy"));
                Run g = median(runs.get(w + "/gateway"));
                Run sp = median(runs.get(w + "/split"));
                System.out.printf("%-30s %10.0f %10.0f %10.0f %10.0f %8.2f %8.2f %8.2f %8.2f %10.2f %9.2f %10.2f %10.1f"
                        + " %10.1f %12.1f %11.1f %11.1f%n", w, d.qps(), h.qps(), g.qps(), sp.qps(), d.p95(), h.p95(), g.p95(),
                        sp.p95(), paired(runs, w, "gateway", "haproxy"), paired(runs, w, "gateway", "direct"),
                        paired(runs, w, "split", "gateway"), g.cpuMicrosPerQuery(),
                        sp.cpuMicrosPerQuery(), h.cpuMicrosPerQuery(), g.userMicrosPerQuery(), h.userMicrosPerQuery());
                if (otherGateway != null) {
                    Run o = median(runs.get(w + "/other"));
                    System.out.printf("%-30s %10s %10s %10.0f %10s %8s %8s %8.2f %8s %10.2f %9s %10s %10.1f %10s %12s %11.1f"
                            + " %11s  <- the other gateway (%s)%n", "", "", "", o.qps(), "", "", "", o.p95(), "",
                            paired(runs, w, "other", "haproxy"), "", "", o.cpuMicrosPerQuery(), "", "",
                            o.userMicrosPerQuery(), "", otherJar);
                }
            }
            if (router != null) {
                System.out.printf("%nMySQL Router 9.7 beside them (classic protocol, a static route to the primary,"
                        + " routing_strategy=first-available)%n%-30s %10s %10s %12s %10s %14s%n", "workload",
                        "Router QPS", "p95 Router", "Rtr CPU us/q", "gw/Router", "Router/HAProxy");
                for (String w : workloads) {
                    Run r = median(runs.get(w + "/router"));
                    System.out.printf("%-30s %10.0f %10.2f %12.1f %10.2f %14.2f%n", w, r.qps(), r.p95(),
                            r.cpuMicrosPerQuery(), paired(runs, w, "gateway", "router"),
                            paired(runs, w, "router", "haproxy"));
                }
            }
            for (String w : workloads) {
                List<String> jit = new ArrayList<>();
                for (String g : List.of("gateway", "split", "other")) {
                    if (runs.containsKey(w + "/" + g)) {
                        jit.add(String.format("%s %.1f%%", g, runs.get(w + "/" + g).stream()
                                .mapToDouble(Run::jitShare).max().orElseThrow() * 100));
                    }
                }
                List<String> machine = new ArrayList<>();
                List<String> parts = new ArrayList<>();
                for (String name : targets.keySet()) {
                    Run r = median(runs.get(w + "/" + name));
                    machine.add(String.format("%s %.1f us (idle %.0f%%, steal %.0f%%)", name, r.machineMicrosPerQuery(),
                            r.idleShare() * 100, r.stealShare() * 100));
                    double proxy = Double.isNaN(r.cpuMicrosPerQuery()) ? 0 : r.cpuMicrosPerQuery();
                    parts.add(String.format("%s %.1f + %.1f + %.1f + %.1f", name, r.serverMicrosPerQuery(),
                            r.clientMicrosPerQuery(), proxy, r.machineMicrosPerQuery() - r.serverMicrosPerQuery()
                                    - r.clientMicrosPerQuery() - proxy));
                }
                System.out.printf("machine CPU per query in %s (every process, all cores): %s%n", w,
                        String.join(", ", machine));
                System.out.printf("  of it MariaDB primary + sysbench + proxy + the rest, us: %s%n",
                        String.join(", ", parts));
                List<Double> byRound = roundRatios(runs, w, "gateway", "haproxy");
                if (!byRound.isEmpty()) {
                    System.out.printf("gateway / HAProxy in each round of %s: %s%n", w, String.join(", ",
                            byRound.stream().map(r -> String.format("%.2f", r)).toList()));
                }
                if (!jit.isEmpty()) {
                    System.out.printf("JIT compilation in the measured %s runs, at most: %s of the gateway's CPU%n", w,
                            String.join(", ", jit));
                }
            }
            if (targets.containsKey("gateway-tls")) {
                tlsFigures(runs, workloads);
                connectionSetup(targets, sysbenchTls);
            }
            if (targets.containsKey("split-none")) {
                System.out.printf("%nthe cost of causal reads on the splitting listener (QPS, p95 ms, gateway CPU us/q;"
                        + " ratios: the median of each round's own ratio)%n%-30s %22s %22s %22s %12s %12s%n", "workload",
                        "session (default)", "global", "none", "session/none", "global/none");
                for (String w : workloads) {
                    Run se = median(runs.get(w + "/split"));
                    Run gl = median(runs.get(w + "/split-global"));
                    Run no = median(runs.get(w + "/split-none"));
                    System.out.printf("%-30s %9.0f %5.2f %6.1f %9.0f %5.2f %6.1f %9.0f %5.2f %6.1f %12.2f %12.2f%n", w,
                            se.qps(), se.p95(), se.cpuMicrosPerQuery(), gl.qps(), gl.p95(), gl.cpuMicrosPerQuery(),
                            no.qps(), no.p95(), no.cpuMicrosPerQuery(), paired(runs, w, "split", "split-none"),
                            paired(runs, w, "split-global", "split-none"));
                }
            }
            System.out.println("split: reads outside transactions go to the two replicas (sysbench's own workloads"
                    + " wrap every transaction in BEGIN/COMMIT, so only --skip_trx=on spreads); direct and HAProxy"
                    + " go to the primary only; ratios: the median of each round's own ratio (a round's runs are"
                    + " seconds apart, so the machine's drift over the run cancels); CPU us/q: the proxy's CPU (user"
                    + " and system) per query, user: the part in user mode (the rest is the kernel's TCP). "
                    + (new java.io.File("/usr/bin/proxysql").exists() ? "" : "No ProxySQL binary is installed here:"
                    + " no ProxySQL column."));
            if (idle > 0) {
                idleConnections(gateway, rw, idle, primary, t);
            }
        } finally {
            haproxy.terminate(Duration.ofSeconds(5));
            if (router != null) {
                router.terminate(Duration.ofSeconds(5));
            }
            gateway.close();
            if (otherGateway != null) {
                otherGateway.close();
            }
        }
        System.exit(0);
    }

    /**
     * What TLS costs per query: the gateway in clear and with TLS, the same rounds. (MySQL Router 9.7 terminating
     * TLS in front of these MariaDB 10.11 nodes fails every login with 2027 Received malformed packet; HAProxy
     * cannot terminate MySQL's TLS, which starts inside the protocol after the greeting: no peer figure.)
     */
    private static void tlsFigures(Map<String, List<Run>> runs, List<String> workloads) {
        System.out.printf("%nthe cost of TLS per query, terminated by the gateway (plain towards the server); QPS, p95"
                + " ms, gateway CPU us/q; ratio: the median of each round's own ratio%n%-30s %22s %22s %10s%n",
                "workload", "gateway", "gateway TLS", "TLS/plain");
        for (String w : workloads) {
            Run g = median(runs.get(w + "/gateway"));
            Run gt = median(runs.get(w + "/gateway-tls"));
            System.out.printf("%-30s %9.0f %5.2f %6.1f %9.0f %5.2f %6.1f %10.2f%n", w, g.qps(), g.p95(),
                    g.cpuMicrosPerQuery(), gt.qps(), gt.p95(), gt.cpuMicrosPerQuery(),
                    paired(runs, w, "gateway-tls", "gateway"));
            if (STORM > 0) {
                System.out.printf("%-30s with %d clients logging in over TLS again and again beside it: %s logins/s"
                        + " (median)%n", "", STORM, String.join(", ", STORM_RATES.keySet().stream()
                        .filter(k -> k.startsWith(w + "/")).sorted().map(k -> String.format("%s %.0f",
                                k.substring(w.length() + 1), Drills.median(STORM_RATES.get(k)))).toList()));
            }
            if (Boolean.getBoolean("otherTls") && runs.containsKey(w + "/other")) {
                Run o = median(runs.get(w + "/other"));
                System.out.printf("%-30s %22s %9.0f %5.2f %6.1f %10.2f  <- the other gateway with TLS;"
                        + " other/gateway-tls %.2f%n", "", "", o.qps(), o.p95(), o.cpuMicrosPerQuery(),
                        paired(runs, w, "other", "gateway"), paired(runs, w, "other", "gateway-tls"));
            }
        }
    }

    /**
     * What TLS costs per connection: 300 sequential logins (MariaDB Connector/J, connect, SELECT 1, close) in clear
     * and with TLS, through each proxy; milliseconds per connection, the median of three runs of each, interleaved.
     */
    private static void connectionSetup(Map<String, Integer> targets, Path tls) throws Exception {
        List<String> names = new ArrayList<>();
        for (String n : List.of("gateway", "gateway-tls", "other", "router")) {
            if (targets.containsKey(n)) {
                names.add(n);
            }
        }
        Map<String, List<Double>> perConnection = new LinkedHashMap<>();
        for (int round = 0; round < 4; round++) {
            for (String n : names) {
                String options = n.endsWith("-tls") || n.equals("other") && Boolean.getBoolean("otherTls")
                        ? "sslMode=verify-ca&serverSslCert=" + tls.resolve("cacert.pem") : "sslMode=disable";
                int count = round == 0 ? 50 : 300; // the first round warms the JIT of the client and the gateway
                long started = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    try (var c = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + targets.get(n)
                            + "/app?user=app&password=app&" + options); var st = c.createStatement();
                         var rs = st.executeQuery("SELECT 1")) {
                        rs.next();
                    }
                }
                if (round > 0) {
                    perConnection.computeIfAbsent(n, k -> new ArrayList<>())
                            .add((System.nanoTime() - started) / 1e6 / count);
                }
            }
        }
        System.out.printf("%nthe cost of TLS per connection (connect, log in, SELECT 1, close; MariaDB Connector/J, one"
                + " at a time; ms, median of 3 x 300): %s%n", String.join(", ", names.stream().map(n -> String.format(
                "%s %.2f", n, Drills.median(perConnection.get(n)))).toList()));
    }

    /**
     * The items of a comma-separated -D{@code name} (a workload's own options after a space), all of them when it is
     * unset; an item that is not one of them is refused with the list.
     */
    private static List<String> chosen(String name, List<String> all) {
        String value = System.getProperty(name, "").strip();
        if (value.isEmpty()) {
            return all;
        }
        List<String> items = List.of(value.split("\\s*,\\s*"));
        for (String item : items) {
            if (!all.contains(item)) {
                throw new IllegalArgumentException("-D" + name + ": '" + item + "' is not one of " + all);
            }
        }
        return items;
    }

    /** The gateway's heap, and what {@code -D<property>} adds (a profiler: "-XX:StartFlightRecording=..."). */
    private static List<String> gatewayJvm(String property) {
        List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx256m"));
        String extra = System.getProperty(property, "").strip();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        return jvm;
    }

    private static void idleConnections(ServiceProcess gateway, int port, int count, MariaDbNode primary,
                                        ReplicationTopology t) throws Exception {
        System.gc();
        long before = rssKib(gateway.process().pid());
        List<Socket> open = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                open.add(login(port));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long peak = rssKib(gateway.process().pid());
            long[] threads = new long[1];
            try (var admin = primary.connect(t.users().admin())) {
                Waits.until("the idle clients' backend connections given back", Duration.ofSeconds(120), () -> {
                    threads[0] = Long.parseLong(Sql.value(admin, "SELECT VARIABLE_VALUE FROM"
                            + " information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'THREADS_CONNECTED'")
                            .orElseThrow());
                    return threads[0] < 100;
                });
            }
            System.gc();
            TimeUnit.SECONDS.sleep(2); // let the allocations settle before reading RSS: a reading, not a wait for a condition
            long after = rssKib(gateway.process().pid());
            System.out.printf("idle clients: %d authenticated connections opened in %.1f s (%.0f/s); gateway RSS %d MiB"
                    + " before, %d MiB while they logged in, %d MiB with them idle (%.1f MiB per 1,000); their backend"
                    + " connections given back (primary Threads_connected %d)%n", count, seconds, count / seconds,
                    before / 1024, peak / 1024, after / 1024, (after - before) / 1024.0 / (count / 1000.0), threads[0]);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    /** A minimal client: reads the greeting, answers mysql_native_password for app/app, expects OK. */
    private static Socket login(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] greeting = frame(in);
        int nul = 1;
        while (greeting[nul] != 0) {
            nul++;
        }
        byte[] scramble = new byte[20];
        System.arraycopy(greeting, nul + 1 + 4, scramble, 0, 8);
        System.arraycopy(greeting, nul + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, scramble, 8, 12);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] stage1 = sha1.digest("app".getBytes(StandardCharsets.UTF_8));
        byte[] stage2 = sha1.digest(stage1);
        sha1.update(scramble);
        byte[] mix = sha1.digest(stage2);
        byte[] proof = new byte[20];
        for (int i = 0; i < 20; i++) {
            proof[i] = (byte) (stage1[i] ^ mix[i]);
        }
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        int caps = 0x200 | 0x8000 | 0x80000 | 0x2000; // PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, TRANSACTIONS
        p.write(new byte[] {(byte) caps, (byte) (caps >> 8), (byte) (caps >> 16), (byte) (caps >> 24), 0, 0, 0, 1, 45});
        p.write(new byte[23]);
        p.write("app".getBytes(StandardCharsets.UTF_8));
        p.write(0);
        p.write(20);
        p.write(proof);
        p.write("mysql_native_password".getBytes(StandardCharsets.UTF_8));
        p.write(0);
        byte[] payload = p.toByteArray();
        byte[] f = new byte[payload.length + 4];
        f[0] = (byte) payload.length;
        f[3] = 1;
        System.arraycopy(payload, 0, f, 4, payload.length);
        s.getOutputStream().write(f);
        byte[] ok = frame(in);
        if (ok[0] != 0) {
            throw new IllegalStateException("login refused: " + new String(ok, StandardCharsets.UTF_8));
        }
        return s;
    }

    private static byte[] frame(DataInputStream in) throws IOException {
        byte[] h = new byte[4];
        in.readFully(h);
        byte[] payload = new byte[(h[0] & 0xff) | (h[1] & 0xff) << 8 | (h[2] & 0xff) << 16];
        in.readFully(payload);
        return payload;
    }

    private static Run median(List<Run> runs) {
        if (runs == null) { // a target left out by -Dtargets
            return new Run(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN);
        }
        return new Run(middle(runs, Run::qps), middle(runs, Run::p95), middle(runs, Run::cpuMicrosPerQuery),
                middle(runs, Run::userMicrosPerQuery), middle(runs, Run::jitShare),
                middle(runs, Run::machineMicrosPerQuery), middle(runs, Run::idleShare), middle(runs, Run::stealShare),
                middle(runs, Run::serverMicrosPerQuery), middle(runs, Run::clientMicrosPerQuery));
    }

    /** The median over the rounds of {@code a}'s QPS over {@code b}'s in the same round (NaN: one was left out). */
    private static double paired(Map<String, List<Run>> runs, String workload, String a, String b) {
        List<Double> ratios = roundRatios(runs, workload, a, b);
        return ratios.isEmpty() ? Double.NaN : Drills.median(ratios);
    }

    /**
     * {@code a}'s QPS over {@code b}'s in each round, in round order: runs seconds apart share the machine's state
     * (other tenants, its clock), which a ratio of medians taken minutes apart does not.
     */
    private static List<Double> roundRatios(Map<String, List<Run>> runs, String workload, String a, String b) {
        List<Run> as = runs.get(workload + "/" + a);
        List<Run> bs = runs.get(workload + "/" + b);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; as != null && bs != null && i < Math.min(as.size(), bs.size()); i++) {
            ratios.add(as.get(i).qps() / bs.get(i).qps());
        }
        return ratios;
    }

    private static double middle(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        return Drills.median(runs.stream().map(figure::applyAsDouble).toList());
    }

    private static String sysbench(int port, String workload, String... args) throws Exception {
        String[] words = workload.split(" "); // a workload and its own options ("oltp_read_only --skip_trx=on")
        // through a shell that prints what sysbench cost once it was waited for (its cutime and cstime)
        String script = (PIN ? "taskset -c 0 " : "") + "sysbench \"$@\"; rc=$?; echo \"" + CLIENT_TICKS
                + " $(cut -d' ' -f16,17 /proc/$$/stat)\"; exit $rc";
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, "sh", words[0], "--db-driver=mysql",
                "--mysql-host=127.0.0.1", "--mysql-port=" + port, "--mysql-user=app", "--mysql-password=app",
                "--mysql-db=app"));
        Path tls = TLS_CLIENTS.get(port);
        if (tls != null) {
            cmd.add("--mysql-ssl=on");
        }
        cmd.addAll(List.of(words).subList(1, words.length));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (tls != null) {
            builder.directory(tls.toFile());
        }
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("sysbench " + workload + " on port " + port + " failed:\n" + out);
        }
        return out;
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no '" + regex + "' in the output of sysbench or jcmd:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static void applySpec(Topics topics, ClusterSpec spec) throws Exception {
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer());
             var reader = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.GROUP_ID_CONFIG, "bench-apply"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            new ClusterSpecApplier(topics, new EventSource("bench", "bench"), Clock.systemUTC())
                    .apply(spec, reader, producer, Duration.ofSeconds(30));
        }
    }

    private static void publishTopology(Topics topics, String cluster, MariaDbNode writer, List<MariaDbNode> readers)
            throws Exception {
        TopologyChanged.AssignedNode w = new TopologyChanged.AssignedNode(writer.name(), "127.0.0.1", writer.port(), 1,
                "bench");
        TopologyChanged t = new TopologyChanged(new EventHeader(UUID.randomUUID().toString(), "TopologyChanged",
                cluster, Instant.now(), "bench", "bench", "1.0"), 1, 0, List.of(w), readers.stream()
                .map(r -> new TopologyChanged.AssignedNode(r.name(), "127.0.0.1", r.port(), 1, "bench")).toList(),
                List.of(), List.of(), "bench");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfra.kafka().bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.name(Topic.TOPOLOGY), cluster.getBytes(StandardCharsets.UTF_8),
                    new EventCodec().encode(t))).get();
        }
    }

    /**
     * Runs {@code workload} through a gateway in 5 s runs until its JIT compilers settle: until a run's compilation
     * takes under {@link #SETTLED_JIT_SHARE} of the gateway's CPU (at most {@link #WARM_UP_RUNS} runs). A JIT still
     * compiling measures its compilers beside the proxy (a third of its CPU in the first seconds) and takes CPU from
     * sysbench and MariaDB on this machine; a gateway in production runs long past that.
     */
    private static void warmUp(String target, ServiceProcess gateway, long serverPid, int port, String workload,
                               int threads)
            throws Exception {
        List<String> shares = new ArrayList<>();
        double share = 1;
        for (int run = 0; run < WARM_UP_RUNS && share >= SETTLED_JIT_SHARE; run++) {
            share = measure(gateway.process().pid(), true, serverPid, () -> sysbench(port, workload, "--tables=1",
                    "--table-size=10000", "--threads=" + threads, "--time=5", "run")).jitShare();
            shares.add(String.format("%.1f%%", share * 100));
        }
        System.out.printf("warm-up %s via %s: JIT compilation took %s of the gateway's CPU in %d run%s of 5 s%s%n",
                workload, target, String.join(", ", shares), shares.size(), shares.size() == 1 ? "" : "s",
                share < SETTLED_JIT_SHARE ? "" : " (not settled: its measured runs include compiling)");
    }

    /** The time the JVM of {@code pid} spent compiling so far (its sun.ci counters, read with jcmd), in ns. */
    private static long compileNanos(long pid) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "PerfCounter.print").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " PerfCounter.print failed:\n" + out);
        }
        double ticks = number(out, "sun\\.ci\\.standardTime=(\\d+)") + number(out, "sun\\.ci\\.osrTime=(\\d+)");
        return Math.round(ticks * 1e9 / number(out, "sun\\.os\\.hrt\\.frequency=(\\d+)"));
    }

    /**
     * What a run cost: the proxy's CPU in clock ticks (user, system), its JIT's compiling in seconds (NaN when the
     * proxy is not a JVM), the growth of {@link #machineTicks()}, and the run's output.
     */
    private record Cost(long user, long system, double jitSeconds, long[] machine, long server, long client,
                        String output) {
        /** The JIT's compiling as a share of the proxy's CPU. */
        double jitShare() {
            return jitSeconds / Math.max(0.01, (user + system) / 100.0);
        }

        /** Field {@code i} of the machine's ticks as a share of all of them. */
        double machineShare(int i) {
            long all = java.util.Arrays.stream(machine).sum();
            return all == 0 ? 0 : machine[i] / (double) all;
        }
    }

    private interface Work {
        String run() throws Exception;
    }

    /**
     * Does {@code work} and reads what it cost the process {@code pid} (a JVM when {@code jvm}), the server
     * {@code serverPid}, sysbench (from the output of {@link #sysbench}) and the machine.
     */
    private static Cost measure(long pid, boolean jvm, long serverPid, Work work) throws Exception {
        long[] cpu0 = cpuTicks(pid);
        long[] server0 = cpuTicks(serverPid);
        long[] machine0 = machineTicks();
        long jit0 = jvm ? compileNanos(pid) : 0;
        String out = work.run();
        long[] cpu1 = cpuTicks(pid);
        long[] server1 = cpuTicks(serverPid);
        long[] machine1 = machineTicks();
        double jit = jvm ? (compileNanos(pid) - jit0) / 1e9 : Double.NaN;
        long[] machine = new long[machine0.length];
        for (int i = 0; i < machine.length; i++) {
            machine[i] = machine1[i] - machine0[i];
        }
        Matcher client = Pattern.compile(Pattern.quote(CLIENT_TICKS) + " (\\d+) (\\d+)").matcher(out);
        if (!client.find()) {
            throw new IllegalStateException("no '" + CLIENT_TICKS + "' in the output of the sysbench wrapper:\n" + out);
        }
        return new Cost(cpu1[0] - cpu0[0], cpu1[1] - cpu0[1], jit, machine,
                server1[0] + server1[1] - server0[0] - server0[1],
                Long.parseLong(client.group(1)) + Long.parseLong(client.group(2)), out);
    }

    /** The machine's CPU so far in clock ticks (/proc/stat, all cores): {busy, idle, stolen by the hypervisor}. */
    private static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]);
        return new long[] {busy, Long.parseLong(f[4]) + Long.parseLong(f[5]), Long.parseLong(f[8])};
    }

    /** The process's CPU so far in clock ticks: {user, system}. */
    private static long[] cpuTicks(long pid) throws IOException {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** Every thread of each process (and those it starts later) on {@code cpus}, as taskset takes them. */
    private static void pin(String cpus, List<Long> pids) throws Exception {
        for (long pid : pids) {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("taskset could not pin process " + pid + " to CPU " + cpus + ":\n" + out);
            }
        }
        System.out.printf("pinned: processes %s to CPU %s%n", pids, cpus);
    }

    private static long rssKib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    }
}
