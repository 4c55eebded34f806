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
import java.util.UUID;

/**
 * A MySQL 9.7 Group Replication group on loopback: single-primary (the group elects; mysql-gr1 bootstraps it and is
 * its first primary) or multi-primary. Each member has its MySQL port and a group communication port; the
 * recovery channel logs in as the replication account with the donor's RSA key ({@code caching_sha2_password}
 * without TLS). Members start with {@code group_replication_start_on_boot=OFF}: {@link #rejoin} starts one that
 * was stopped or killed.
 */
public final class GroupReplicationGroup implements AutoCloseable {
    private static final Duration ONLINE_TIMEOUT = Duration.ofSeconds(120);

    private final List<MySqlNode> members;
    private final DbUsers users;
    private final boolean singlePrimary;

    private GroupReplicationGroup(List<MySqlNode> members, DbUsers users, boolean singlePrimary) {
        this.members = List.copyOf(members);
        this.users = users;
        this.singlePrimary = singlePrimary;
    }

    /** {@code size} members on free ports under {@code dir}, ONLINE, killed when the JVM exits. */
    public static GroupReplicationGroup startForTests(Path dir, int size, boolean singlePrimary) {
        int[] ports = new int[size];
        int[] gcs = new int[size];
        for (int i = 0; i < size; i++) {
            ports[i] = FreePorts.next();
            gcs[i] = FreePorts.next();
        }
        StringBuilder seeds = new StringBuilder();
        for (int p : gcs) {
            seeds.append(seeds.isEmpty() ? "" : ",").append("127.0.0.1:").append(p);
        }
        String group = UUID.randomUUID().toString();
        List<MySqlNode> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String name = "mysql-gr" + (i + 1);
            members.add(new MySqlNode(name, ports[i], 201 + i, dir.resolve(name),
                    config(group, gcs[i], seeds.toString(), ports[i], singlePrimary), ManagedProcess.Ownership.TEST));
        }
        GroupReplicationGroup g = new GroupReplicationGroup(members, DbUsers.LOCAL, singlePrimary);
        g.bootstrap();
        return g;
    }

    /**
     * The launcher's single-primary group (FLAVOR=mysql-gr infra/local/up.sh): node1... on fixed MySQL and group
     * communication ports, left running when this JVM exits. A fresh set is bootstrapped; an existing one is started
     * again: its members rejoin a group that still runs, else the member with the most transactions bootstraps the
     * group again and the others join it.
     */
    public static GroupReplicationGroup startDetached(Path dir, List<Integer> ports, List<Integer> gcsPorts) {
        String seeds = String.join(",", gcsPorts.stream().map(p -> "127.0.0.1:" + p).toList());
        String group = UUID.nameUUIDFromBytes("mysqlha-local-group".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        List<MySqlNode> members = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            String name = "node" + (i + 1);
            members.add(new MySqlNode(name, ports.get(i), 101 + i, dir.resolve(name),
                    config(group, gcsPorts.get(i), seeds, ports.get(i), true), ManagedProcess.Ownership.DETACHED));
        }
        GroupReplicationGroup g = new GroupReplicationGroup(members, DbUsers.LOCAL, true);
        if (members.stream().noneMatch(MySqlNode::isInitialised)) {
            g.bootstrap();
        } else {
            g.resume();
        }
        return g;
    }

    private void resume() {
        Parallel.forEach(members, n -> {
            if (!n.adoptIfRunning()) {
                n.start();
            }
        });
        List<MySqlNode> online = members.stream().filter(this::online).toList();
        if (online.isEmpty()) {
            MySqlNode most = mostTransactions();
            try (Connection c = most.connect(users.admin())) {
                Sql.execute(c, "SET GLOBAL group_replication_bootstrap_group=ON", "START GROUP_REPLICATION",
                        "SET GLOBAL group_replication_bootstrap_group=OFF");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot bootstrap the group again on " + most + ": " + e.getMessage(), e);
            }
            awaitOnline(most);
            online = List.of(most);
        }
        for (MySqlNode n : members) {
            if (!online.contains(n)) {
                join(n);
            }
        }
    }

    private boolean online(MySqlNode member) {
        try (Connection c = member.connect(users.admin())) {
            return "ONLINE".equals(Sql.value(c, "SELECT MEMBER_STATE FROM performance_schema.replication_group_members"
                    + " WHERE MEMBER_ID = @@server_uuid").orElse(""));
        } catch (SQLException e) {
            return false;
        }
    }

    /** The member whose executed GTIDs contain every other's (the first such; the first member when none does). */
    private MySqlNode mostTransactions() {
        Map<MySqlNode, String> executed = new LinkedHashMap<>();
        for (MySqlNode n : members) {
            try (Connection c = n.connect(users.admin())) {
                executed.put(n, Sql.value(c, "SELECT REPLACE(@@GLOBAL.gtid_executed, '\\n', '')").orElse(""));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read " + n + "'s GTIDs: " + e.getMessage(), e);
            }
        }
        return executed.keySet().stream().filter(n -> executed.values().stream().allMatch(other ->
                io.mysqlha.domain.gtid.MysqlGtidSet.parse(executed.get(n)).contains(
                        io.mysqlha.domain.gtid.MysqlGtidSet.parse(other)))).findFirst().orElse(members.getFirst());
    }

    private static Map<String, String> config(String group, int gcsPort, String seeds, int port, boolean singlePrimary) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("gtid-mode", "ON");
        c.put("enforce-gtid-consistency", "ON");
        c.put("log-bin", "mysql-bin");
        c.put("relay-log", "relay-bin");
        c.put("report-host", "127.0.0.1");
        c.put("report-port", Integer.toString(port));
        c.put("plugin-load-add", "group_replication.so");
        // loose-: --initialize loads no plugins, and refuses their options without it
        c.put("loose-group-replication-group-name", group);
        c.put("loose-group-replication-start-on-boot", "OFF");
        c.put("loose-group-replication-local-address", "127.0.0.1:" + gcsPort);
        c.put("loose-group-replication-group-seeds", seeds);
        c.put("loose-group-replication-bootstrap-group", "OFF");
        c.put("loose-group-replication-recovery-get-public-key", "ON");
        c.put("loose-group-replication-single-primary-mode", singlePrimary ? "ON" : "OFF");
        c.put("loose-group-replication-enforce-update-everywhere-checks", singlePrimary ? "OFF" : "ON");
        // a member that loses the majority stops serving reads as well as writes: no stale reads from it
        c.put("loose-group-replication-exit-state-action", "OFFLINE_MODE");
        return c;
    }

    private void bootstrap() {
        Parallel.forEach(members, MySqlNode::initialise);
        Parallel.forEach(members, n -> n.start());
        List<String> accounts = new ArrayList<>(List.of("SET SESSION sql_log_bin=0"));
        accounts.addAll(users.mysqlCreateStatements());
        accounts.add("GRANT GROUP_REPLICATION_STREAM, BACKUP_ADMIN ON *.* TO '" + users.replication().name()
                + "'@'127.0.0.1', '" + users.replication().name() + "'@'localhost'");
        accounts.add("CHANGE REPLICATION SOURCE TO SOURCE_USER='" + users.replication().name() + "', SOURCE_PASSWORD='"
                + users.replication().password().reveal() + "' FOR CHANNEL 'group_replication_recovery'");
        Parallel.forEach(members, n -> n.runAsRoot(accounts));
        try (Connection c = members.getFirst().connect(users.admin())) {
            Sql.execute(c, "SET GLOBAL group_replication_bootstrap_group=ON", "START GROUP_REPLICATION",
                    "SET GLOBAL group_replication_bootstrap_group=OFF");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot bootstrap the group on " + members.getFirst() + ": "
                    + e.getMessage() + "\n" + ManagedProcess.tailOf(members.getFirst().errorLog(), 15), e);
        }
        awaitOnline(members.getFirst());
        for (MySqlNode n : members.subList(1, members.size())) {
            rejoin(n);
        }
    }

    /** Starts a member that is stopped or killed (its server first) and waits until it is ONLINE again. */
    public void rejoin(MySqlNode member) {
        member.start();
        join(member);
    }

    /** A running member joins the group and is waited for until ONLINE. */
    private void join(MySqlNode member) {
        try (Connection c = member.connect(users.admin())) {
            Sql.execute(c, "START GROUP_REPLICATION");
        } catch (SQLException e) {
            throw new IllegalStateException(member + " cannot join the group: " + e.getMessage() + "\n"
                    + ManagedProcess.tailOf(member.errorLog(), 15), e);
        }
        awaitOnline(member);
    }

    /** Waits until {@code member} sees itself ONLINE. */
    public void awaitOnline(MySqlNode member) {
        try (Connection c = member.connect(users.admin())) {
            Waits.until(member + " ONLINE in the group", ONLINE_TIMEOUT, () -> "ONLINE".equals(Sql.value(c,
                    "SELECT MEMBER_STATE FROM performance_schema.replication_group_members WHERE MEMBER_ID ="
                            + " @@server_uuid").orElse("")));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + member + "'s membership: " + e.getMessage(), e);
        }
    }

    /** The member the group names PRIMARY now, as {@code asking} sees it. */
    public MySqlNode primary(MySqlNode asking) {
        try (Connection c = asking.connect(users.admin())) {
            String port = Sql.value(c, "SELECT MEMBER_PORT FROM performance_schema.replication_group_members WHERE"
                    + " MEMBER_ROLE = 'PRIMARY' AND MEMBER_STATE = 'ONLINE' LIMIT 1").orElseThrow(
                    () -> new IllegalStateException(asking + " sees no ONLINE primary"));
            return members.stream().filter(m -> Integer.toString(m.port()).equals(port)).findFirst().orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot ask " + asking + " for the primary: " + e.getMessage(), e);
        }
    }

    public List<MySqlNode> members() {
        return members;
    }

    public DbUsers users() {
        return users;
    }

    public boolean singlePrimary() {
        return singlePrimary;
    }

    /** The cluster spec describing this group. */
    public ClusterSpec spec(String clusterId) {
        List<NodeSpec> nodes = members.stream()
                .map(ServerNode::nodeSpec).toList();
        return new ClusterSpec(clusterId, ClusterKind.GROUP_REPLICATION, nodes, null, null, null, null, null, null);
    }

    @Override
    public void close() {
        Parallel.forEach(members, MySqlNode::stop);
    }
}
