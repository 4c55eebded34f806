package io.mysqlha.testsupport.servers;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.process.ManagedProcess;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MariaDB primary and N replicas with GTID replication and semi-sync. Every node starts read-only from its
 * config file (so a restarted old primary never comes back writable); the primary is made writable at run time.
 * Semi-sync: the replica side is ON in config, the primary side is switched ON at run time once the replicas are
 * connected (ON in a config file stalls every commit of a replica with log_slave_updates).
 */
public final class ReplicationTopology implements GtidTopology {
    public static final long SEMI_SYNC_TIMEOUT_MS = 2_000;

    private final List<MariaDbNode> nodes;
    private final DbUsers users;

    private ReplicationTopology(List<MariaDbNode> nodes, DbUsers users) {
        this.nodes = List.copyOf(nodes);
        this.users = users;
    }

    /** A primary and {@code replicas} replicas on free ports under {@code dir}, killed when the JVM exits. */
    public static ReplicationTopology startForTests(Path dir, int replicas) {
        return startForTests(dir, replicas, Map.of());
    }

    /** As {@link #startForTests(Path, int)}, each node requiring TLS with these certificates (replicas over TLS). */
    public static ReplicationTopology startForTests(Path dir, int replicas,
                                                    io.mysqlha.testsupport.tls.NodeCertificates tls) {
        return startForTests(dir, replicas, tls.serverConfig());
    }

    private static ReplicationTopology startForTests(Path dir, int replicas, Map<String, String> extra) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i <= replicas; i++) {
            ports.add(FreePorts.next());
        }
        ReplicationTopology t = create(dir, ports, ManagedProcess.Ownership.TEST, extra);
        t.bootstrap();
        return t;
    }

    /** The launcher's nodes on fixed ports; starts what is not running, bootstraps only a fresh set. */
    public static ReplicationTopology startDetached(Path dir, List<Integer> ports) {
        return startDetached(dir, ports, Map.of());
    }

    /** As {@link #startDetached(Path, List)}, with server options beside the replication ones (TLS). */
    public static ReplicationTopology startDetached(Path dir, List<Integer> ports, Map<String, String> extra) {
        ReplicationTopology t = create(dir, ports, ManagedProcess.Ownership.DETACHED, extra);
        boolean fresh = t.nodes.stream().noneMatch(MariaDbNode::isInitialised);
        if (fresh) {
            t.bootstrap();
        } else {
            t.resume();
        }
        return t;
    }

    private static ReplicationTopology create(Path dir, List<Integer> ports, ManagedProcess.Ownership ownership,
                                              Map<String, String> extra) {
        List<MariaDbNode> nodes = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            String name = "node" + (i + 1);
            Map<String, String> config = replicationConfig(name);
            config.putAll(extra);
            nodes.add(new MariaDbNode(name, ports.get(i), i + 1, dir.resolve(name), config, ownership));
        }
        return new ReplicationTopology(nodes, DbUsers.LOCAL);
    }

    private static Map<String, String> replicationConfig(String name) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("log-bin", "mysql-bin");
        // no log-basename: it silently overrides the log-error path set before it
        c.put("relay-log", "relay-bin");
        c.put("binlog-format", "ROW");
        c.put("log-slave-updates", "ON");
        c.put("gtid-strict-mode", "ON");
        c.put("gtid-domain-id", "0");
        c.put("sync-binlog", "1");
        c.put("innodb-flush-log-at-trx-commit", "1");
        c.put("read-only", "ON");
        c.put("relay-log-recovery", "ON");
        c.put("rpl-semi-sync-slave-enabled", "ON");
        c.put("rpl-semi-sync-master-enabled", "OFF");
        c.put("rpl-semi-sync-master-timeout", Long.toString(SEMI_SYNC_TIMEOUT_MS));
        // short, as Orchestrator advises: a replica notices a frozen (not dead) primary within seconds
        c.put("slave-net-timeout", "4");
        // Replication resumes through restart(): after a crash gtid_slave_pos may lag the binlog (see there).
        c.put("skip-slave-start", "ON");
        return c;
    }

    private void bootstrap() {
        parallel(MariaDbNode::initialise);
        parallel(n -> n.start());
        // The accounts exist on every node from the start, outside the binlog, so no node has a GTID of its own.
        List<String> accounts = new ArrayList<>(List.of("SET SESSION sql_log_bin=0"));
        accounts.addAll(users.createStatements());
        parallel(n -> n.runAsRoot(accounts));
        try (Connection p = primary().connect(users.admin())) {
            Sql.execute(p, "SET GLOBAL read_only=OFF");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make " + primary() + " writable: " + e.getMessage(), e);
        }
        for (MariaDbNode replica : replicas()) {
            pointAt(replica, primary());
        }
        enableSemiSyncOnPrimary();
    }

    /** Restarts the nodes of an existing set and makes the primary ({@link RestartedPrimary}) writable again. */
    private void resume() {
        parallel(n -> {
            if (!n.adoptIfRunning()) {
                restart(n);
            }
        });
        Map<MariaDbNode, Long> epochs = new LinkedHashMap<>();
        java.util.Set<MariaDbNode> alone = new java.util.HashSet<>();
        for (MariaDbNode n : nodes) {
            try (Connection c = n.connect(users.admin())) {
                epochs.put(n, RestartedPrimary.epoch(c));
                if (Sql.rows(c, "SHOW SLAVE STATUS").isEmpty()) {
                    alone.add(n);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot check " + n + " after restart: " + e.getMessage(), e);
            }
        }
        RestartedPrimary.choose(epochs, alone).ifPresent(primary -> {
            try (Connection c = primary.connect(users.admin())) {
                Sql.execute(c, "SET GLOBAL read_only=OFF", "SET GLOBAL rpl_semi_sync_master_enabled=ON");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot make " + primary + " writable: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Starts a stopped or killed node and resumes its replication. After kill -9 a replica's binlog can hold a
     * transaction its mysql.gtid_slave_pos table lost (measured here with a replicated DDL): replicating from
     * gtid_slave_pos would fetch it again and stop with an out-of-order GTID under gtid_strict_mode. When the
     * binlog position contains the slave position and is ahead of it, the binlog is what was applied: the slave
     * position is set from it before replication starts. An errant binlog (not containing it) is left for an
     * operator.
     */
    @Override
    public void restart(ServerNode node) {
        node.start();
        try (Connection c = node.connect(users.admin())) {
            if (Sql.rows(c, "SHOW SLAVE STATUS").isEmpty()) {
                return;
            }
            MariaDbGtidPosition binlog = MariaDbGtidPosition.parse(Sql.value(c, "SELECT @@gtid_binlog_pos").orElse(""));
            MariaDbGtidPosition slave = MariaDbGtidPosition.parse(Sql.value(c, "SELECT @@gtid_slave_pos").orElse(""));
            if (binlog.contains(slave) && !slave.contains(binlog)) {
                Sql.execute(c, "SET GLOBAL gtid_slave_pos='" + binlog + "'");
            }
            Sql.execute(c, "START SLAVE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot resume replication on " + node + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code replica} replicate from {@code source} by GTID and waits until both threads run. */
    public void pointAt(MariaDbNode replica, MariaDbNode source) {
        try (Connection c = replica.connect(users.admin())) {
            Sql.execute(c, "STOP SLAVE", "CHANGE MASTER TO MASTER_HOST='" + source.host() + "', MASTER_PORT="
                    + source.port() + ", MASTER_USER='" + users.replication().name() + "', MASTER_PASSWORD='"
                    + users.replication().password().reveal() + "', MASTER_USE_GTID=slave_pos,"
                    + " MASTER_CONNECT_RETRY=1" + (source.requiresTls() ? ", MASTER_SSL=1" : ""), "START SLAVE");
            Waits.until(replica + " replicating from " + source, Duration.ofSeconds(30), () -> {
                Map<String, String> s = Sql.rows(c, "SHOW SLAVE STATUS").getFirst();
                if (!s.get("Last_IO_Error").isEmpty() || !s.get("Last_SQL_Error").isEmpty()) {
                    throw new IllegalStateException("IO: " + s.get("Last_IO_Error") + " SQL: " + s.get("Last_SQL_Error"));
                }
                return "Yes".equals(s.get("Slave_IO_Running")) && "Yes".equals(s.get("Slave_SQL_Running"));
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot point " + replica + " at " + source + ": " + e.getMessage(), e);
        }
    }

    private void enableSemiSyncOnPrimary() {
        try (Connection c = primary().connect(users.admin())) {
            Sql.execute(c, "SET GLOBAL rpl_semi_sync_master_enabled=ON");
            Waits.until("semi-sync clients on " + primary(), Duration.ofSeconds(30),
                    () -> Integer.parseInt(Sql.status(c, "Rpl_semi_sync_master_clients")) == replicas().size());
            // one acknowledged commit before anyone uses it: on a loaded machine the first commits of a fresh
            // primary (and the first DDL) took longer than a probe's 400 ms deadline, and tests saw it "down"
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS mysqlha.ready (id INT PRIMARY KEY)",
                    "REPLACE INTO mysqlha.ready VALUES (1)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot enable semi-sync on " + primary() + ": " + e.getMessage(), e);
        }
    }

    /** Waits until every running replica has applied everything the primary has in its binlog. */
    public void awaitReplicated(Duration timeout) {
        try (Connection p = primary().connect(users.admin())) {
            MariaDbGtidPosition target = MariaDbGtidPosition.parse(Sql.value(p, "SELECT @@gtid_binlog_pos").orElse(""));
            for (MariaDbNode r : replicas()) {
                if (!r.isRunning()) {
                    continue;
                }
                try (Connection c = r.connect(users.admin())) {
                    Waits.until(r + " to reach " + target, timeout, () -> {
                        String pos = Sql.value(c, "SELECT @@gtid_current_pos").orElse("");
                        if (MariaDbGtidPosition.parse(pos).contains(target)) {
                            return true;
                        }
                        throw new IllegalStateException("at " + pos + "; " + replicationState(c));
                    });
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compare GTID positions: " + e.getMessage(), e);
        }
    }

    private static String replicationState(Connection c) throws SQLException {
        return Sql.rows(c, "SHOW SLAVE STATUS").stream().findFirst().map(s -> "IO " + s.get("Slave_IO_Running")
                + " SQL " + s.get("Slave_SQL_Running") + " " + s.get("Last_IO_Error") + " " + s.get("Last_SQL_Error"))
                .orElse("no replication configured");
    }

    @Override
    public String flavourName() {
        return "MariaDB 10.11";
    }

    @Override
    public String executedGtids(java.sql.Connection c) throws java.sql.SQLException {
        return Sql.value(c, "SELECT @@gtid_binlog_pos").orElse("");
    }

    @Override
    public java.util.Optional<ReplicaState> replicaState(java.sql.Connection c) throws java.sql.SQLException {
        return Sql.rows(c, "SHOW SLAVE STATUS").stream().findFirst().map(r -> new ReplicaState(
                "Yes".equals(r.get("Slave_IO_Running")), "Yes".equals(r.get("Slave_SQL_Running")),
                Integer.parseInt(r.get("Master_Port"))));
    }

    @Override
    public MariaDbNode standalone(String name, int port, int serverId, java.nio.file.Path dir) {
        return new MariaDbNode(name, port, serverId, dir, Map.of(), ManagedProcess.Ownership.TEST);
    }

    @Override
    public List<String> accountStatements() {
        return users.createStatements();
    }

    @Override
    public MariaDbNode primary() {
        return nodes.getFirst();
    }

    public List<MariaDbNode> replicas() {
        return nodes.subList(1, nodes.size());
    }

    public List<MariaDbNode> nodes() {
        return nodes;
    }

    @Override
    public MariaDbNode node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }

    public DbUsers users() {
        return users;
    }

    /** The cluster spec describing these nodes. */
    public ClusterSpec spec(String clusterId) {
        List<NodeSpec> specNodes = nodes.stream()
                .map(ServerNode::nodeSpec).toList();
        return new ClusterSpec(clusterId, ClusterKind.SEMI_SYNC, specNodes, null, null, null, null, null, null);
    }

    private void parallel(java.util.function.Consumer<MariaDbNode> action) {
        Parallel.forEach(nodes, action);
    }

    /** Stops every node (kill -9 for frozen ones is handled by the process layer). */
    @Override
    public void close() {
        parallel(MariaDbNode::stop);
    }
}
