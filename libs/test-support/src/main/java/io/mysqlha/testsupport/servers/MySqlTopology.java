package io.mysqlha.testsupport.servers;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
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
 * One MySQL 9.7 primary and N replicas with GTID auto-positioning and lossless semi-sync ({@code AFTER_SYNC}): the
 * MySQL counterpart of {@link ReplicationTopology}, with the same accounts. Every node starts super-read-only from
 * its config file; the primary is made writable at run time. The replica side of semi-sync is on in config, the
 * source side switched on at run time once the replicas are connected (else the first commit waits the timeout).
 */
public final class MySqlTopology implements GtidTopology {
    public static final long SEMI_SYNC_TIMEOUT_MS = ReplicationTopology.SEMI_SYNC_TIMEOUT_MS;

    private final List<MySqlNode> nodes;
    private final DbUsers users;

    private MySqlTopology(List<MySqlNode> nodes, DbUsers users) {
        this.nodes = List.copyOf(nodes);
        this.users = users;
    }

    /** A primary and {@code replicas} replicas (mysql1...) on free ports under {@code dir}, killed when the JVM exits. */
    public static MySqlTopology startForTests(Path dir, int replicas) {
        return startForTests(dir, replicas, Map.of());
    }

    /** As {@link #startForTests(Path, int)}, each node requiring TLS with these certificates (replicas over TLS). */
    public static MySqlTopology startForTests(Path dir, int replicas, io.mysqlha.testsupport.tls.NodeCertificates tls) {
        return startForTests(dir, replicas, tls.serverConfig());
    }

    private static MySqlTopology startForTests(Path dir, int replicas, Map<String, String> extra) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i <= replicas; i++) {
            ports.add(FreePorts.next());
        }
        MySqlTopology t = create(dir, "mysql", ports, ManagedProcess.Ownership.TEST, extra);
        t.bootstrap();
        return t;
    }

    /**
     * The launcher's nodes (node1...) on fixed ports (FLAVOR=mysql infra/local/up.sh); starts what is not running,
     * bootstraps only a fresh set.
     */
    public static MySqlTopology startDetached(Path dir, List<Integer> ports) {
        return startDetached(dir, ports, Map.of());
    }

    /** As {@link #startDetached(Path, List)}, with server options beside the replication ones (TLS). */
    public static MySqlTopology startDetached(Path dir, List<Integer> ports, Map<String, String> extra) {
        MySqlTopology t = create(dir, "node", ports, ManagedProcess.Ownership.DETACHED, extra);
        if (t.nodes.stream().noneMatch(MySqlNode::isInitialised)) {
            t.bootstrap();
        } else {
            t.resume();
        }
        return t;
    }

    private static MySqlTopology create(Path dir, String prefix, List<Integer> ports,
                                        ManagedProcess.Ownership ownership, Map<String, String> extra) {
        List<MySqlNode> nodes = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            String name = prefix + (i + 1);
            Map<String, String> config = replicationConfig();
            config.putAll(extra);
            nodes.add(new MySqlNode(name, ports.get(i), 101 + i, dir.resolve(name), config, ownership));
        }
        return new MySqlTopology(nodes, DbUsers.LOCAL);
    }

    /**
     * Restarts the nodes of an existing set (each super-read-only from its config, replication not started) and
     * resumes replication; the primary ({@link RestartedPrimary}) is made writable, semi-sync on.
     */
    private void resume() {
        Parallel.forEach(nodes, n -> {
            if (!n.adoptIfRunning()) {
                n.start();
            }
        });
        Map<MySqlNode, Long> epochs = new LinkedHashMap<>();
        java.util.Set<MySqlNode> alone = new java.util.HashSet<>();
        for (MySqlNode n : nodes) {
            try (Connection c = n.connect(users.admin())) {
                epochs.put(n, RestartedPrimary.epoch(c));
                if (Sql.rows(c, "SHOW REPLICA STATUS").isEmpty()) {
                    alone.add(n);
                } else {
                    Sql.execute(c, "START REPLICA");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot check " + n + " after restart: " + e.getMessage(), e);
            }
        }
        RestartedPrimary.choose(epochs, alone).ifPresent(primary -> {
            try (Connection c = primary.connect(users.admin())) {
                Sql.execute(c, "SET GLOBAL super_read_only=OFF", "SET GLOBAL read_only=OFF",
                        "SET GLOBAL rpl_semi_sync_source_enabled=ON");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot make " + primary + " writable: " + e.getMessage(), e);
            }
        });
    }

    private static Map<String, String> replicationConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("log-bin", "mysql-bin");
        c.put("relay-log", "relay-bin");
        c.put("gtid-mode", "ON");
        c.put("enforce-gtid-consistency", "ON");
        c.put("sync-binlog", "1");
        c.put("innodb-flush-log-at-trx-commit", "1");
        c.put("read-only", "ON");
        c.put("super-read-only", "ON");
        c.put("relay-log-recovery", "ON");
        c.put("skip-replica-start", "ON");
        c.put("replica-net-timeout", "4");
        c.put("plugin-load-add", "semisync_source.so;semisync_replica.so");
        // loose-: --initialize loads no plugins, and refuses their options without it
        c.put("loose-rpl-semi-sync-replica-enabled", "ON");
        c.put("loose-rpl-semi-sync-source-enabled", "OFF");
        c.put("loose-rpl-semi-sync-source-wait-point", "AFTER_SYNC");
        c.put("loose-rpl-semi-sync-source-timeout", Long.toString(SEMI_SYNC_TIMEOUT_MS));
        return c;
    }

    private void bootstrap() {
        Parallel.forEach(nodes, MySqlNode::initialise);
        Parallel.forEach(nodes, n -> n.start());
        // the accounts exist on every node from the start, outside the binlog: no node has a GTID of its own
        List<String> accounts = new ArrayList<>(List.of("SET SESSION sql_log_bin=0", "SET GLOBAL super_read_only=OFF"));
        accounts.addAll(users.mysqlCreateStatements());
        accounts.add("SET GLOBAL super_read_only=ON");
        Parallel.forEach(nodes, n -> n.runAsRoot(accounts));
        try (Connection p = primary().connect(users.admin())) {
            Sql.execute(p, "SET GLOBAL super_read_only=OFF", "SET GLOBAL read_only=OFF");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make " + primary() + " writable: " + e.getMessage(), e);
        }
        for (MySqlNode replica : replicas()) {
            pointAt(replica, primary());
        }
        enableSemiSyncOnPrimary();
    }

    /** Starts the node again and resumes its replication (auto-positioned: nothing to repair first), if it had any. */
    @Override
    public void restart(ServerNode node) {
        node.start();
        try (Connection c = node.connect(users.admin())) {
            if (!Sql.rows(c, "SHOW REPLICA STATUS").isEmpty()) {
                Sql.execute(c, "START REPLICA");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot resume replication on " + node + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code replica} replicate from {@code source} by GTID auto-positioning; waits until both threads run. */
    public void pointAt(MySqlNode replica, MySqlNode source) {
        try (Connection c = replica.connect(users.admin())) {
            Sql.execute(c, "STOP REPLICA", "CHANGE REPLICATION SOURCE TO SOURCE_HOST='" + source.host()
                    + "', SOURCE_PORT=" + source.port() + ", SOURCE_USER='" + users.replication().name()
                    + "', SOURCE_PASSWORD='" + users.replication().password().reveal() + "', SOURCE_AUTO_POSITION=1,"
                    + " SOURCE_CONNECT_RETRY=1, GET_SOURCE_PUBLIC_KEY=1"
                    + (source.requiresTls() ? ", SOURCE_SSL=1" : ""), "START REPLICA");
            Waits.until(replica + " replicating from " + source, Duration.ofSeconds(30), () -> {
                Map<String, String> s = Sql.rows(c, "SHOW REPLICA STATUS").getFirst();
                if (!s.get("Last_IO_Error").isEmpty() || !s.get("Last_SQL_Error").isEmpty()) {
                    throw new IllegalStateException("IO: " + s.get("Last_IO_Error") + " SQL: " + s.get("Last_SQL_Error"));
                }
                return "Yes".equals(s.get("Replica_IO_Running")) && "Yes".equals(s.get("Replica_SQL_Running"));
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot point " + replica + " at " + source + ": " + e.getMessage(), e);
        }
    }

    private void enableSemiSyncOnPrimary() {
        try (Connection c = primary().connect(users.admin())) {
            Sql.execute(c, "SET GLOBAL rpl_semi_sync_source_enabled=ON");
            Waits.until("semi-sync replicas of " + primary(), Duration.ofSeconds(30),
                    () -> Integer.parseInt(Sql.status(c, "Rpl_semi_sync_source_clients")) == replicas().size());
            Sql.execute(c, "CREATE TABLE IF NOT EXISTS mysqlha.ready (id INT PRIMARY KEY)",
                    "REPLACE INTO mysqlha.ready VALUES (1)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot enable semi-sync on " + primary() + ": " + e.getMessage(), e);
        }
    }

    /** Waits until every running replica has applied every transaction the primary has executed. */
    public void awaitReplicated(Duration timeout) {
        try (Connection p = primary().connect(users.admin())) {
            String target = Sql.value(p, "SELECT @@GLOBAL.gtid_executed").orElse("");
            for (MySqlNode r : replicas()) {
                if (!r.isRunning()) {
                    continue;
                }
                try (Connection c = r.connect(users.admin())) {
                    Waits.until(r + " to reach " + target, timeout, () -> "1".equals(Sql.value(c,
                            "SELECT GTID_SUBSET('" + target + "', @@GLOBAL.gtid_executed)").orElse("0")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compare GTID sets: " + e.getMessage(), e);
        }
    }

    @Override
    public String flavourName() {
        return "MySQL 9.7";
    }

    @Override
    public String executedGtids(Connection c) throws SQLException {
        return Sql.value(c, "SELECT REPLACE(@@GLOBAL.gtid_executed, '\\n', '')").orElse("");
    }

    @Override
    public java.util.Optional<ReplicaState> replicaState(Connection c) throws SQLException {
        return Sql.rows(c, "SHOW REPLICA STATUS").stream().findFirst().map(r -> new ReplicaState(
                "Yes".equals(r.get("Replica_IO_Running")), "Yes".equals(r.get("Replica_SQL_Running")),
                Integer.parseInt(r.get("Source_Port"))));
    }

    @Override
    public MySqlNode standalone(String name, int port, int serverId, Path dir) {
        // a restore target takes the GTIDs of what it loads: a dump sets gtid_purged, replayed binlogs their own
        return new MySqlNode(name, port, serverId, dir, Map.of("gtid-mode", "ON", "enforce-gtid-consistency", "ON"),
                ManagedProcess.Ownership.TEST);
    }

    @Override
    public List<String> accountStatements() {
        return users.mysqlCreateStatements();
    }

    @Override
    public MySqlNode node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }

    @Override
    public MySqlNode primary() {
        return nodes.getFirst();
    }

    public List<MySqlNode> replicas() {
        return nodes.subList(1, nodes.size());
    }

    public List<MySqlNode> nodes() {
        return nodes;
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

    @Override
    public void close() {
        Parallel.forEach(nodes, MySqlNode::stop);
    }
}
