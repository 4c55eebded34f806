package io.mysqlha.testsupport.servers;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.process.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MariaDB Galera cluster on loopback (rsync SST, nodes run as the mysql user). The first node bootstraps the
 * primary component; the others join one at a time. A node killed with -9 rejoins by IST after
 * {@code --wsrep-recover}, as an operator would restart it.
 */
public final class GaleraCluster implements AutoCloseable {
    private static final Pattern RECOVERED = Pattern.compile("WSREP: Recovered position: ([0-9a-f-]+:-?\\d+)");
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(120);

    private final List<MariaDbNode> nodes;
    private final DbUsers users;

    private GaleraCluster(List<MariaDbNode> nodes, DbUsers users) {
        this.nodes = nodes;
        this.users = users;
    }

    public static GaleraCluster startForTests(Path dir, int size) {
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new int[]{FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next()});
        }
        StringBuilder address = new StringBuilder("gcomm://");
        for (int i = 0; i < size; i++) {
            address.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports.get(i)[1]);
        }
        List<MariaDbNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String name = "galera" + (i + 1);
            nodes.add(new MariaDbNode(name, ports.get(i)[0], i + 1, dir.resolve(name),
                    galeraConfig(name, address.toString(), ports.get(i)), ManagedProcess.Ownership.TEST));
        }
        GaleraCluster cluster = new GaleraCluster(nodes, DbUsers.LOCAL);
        cluster.bootstrap();
        return cluster;
    }

    private static Map<String, String> galeraConfig(String name, String clusterAddress, int[] ports) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("wsrep-on", "ON");
        c.put("wsrep-provider", MariaDbBinaries.galeraProvider().toString());
        c.put("wsrep-cluster-name", "mysqlha-test");
        c.put("wsrep-cluster-address", clusterAddress);
        c.put("wsrep-node-name", name);
        c.put("wsrep-node-address", "127.0.0.1:" + ports[1]);
        c.put("wsrep-provider-options", "\"gmcast.listen_addr=tcp://127.0.0.1:" + ports[1] + ";ist.recv_addr=127.0.0.1:"
                + ports[2] + ";evs.suspect_timeout=PT5S;evs.inactive_timeout=PT10S;gcache.size=64M\"");
        c.put("wsrep-sst-method", "rsync");
        c.put("wsrep-sst-receive-address", "127.0.0.1:" + ports[3]);
        c.put("binlog-format", "ROW");
        c.put("default-storage-engine", "InnoDB");
        c.put("innodb-autoinc-lock-mode", "2");
        c.put("wsrep-slave-threads", "2");
        return c;
    }

    private void bootstrap() {
        Parallel.forEach(nodes, MariaDbNode::initialise);
        MariaDbNode first = nodes.getFirst();
        first.start("--wsrep-new-cluster");
        first.runAsRoot(users.createStatements()); // joiners receive the accounts by SST
        awaitSynced(first, 1);
        for (int i = 1; i < nodes.size(); i++) {
            nodes.get(i).start();
            awaitSynced(nodes.get(i), i + 1);
        }
    }

    /** Waits until the node is Synced (wsrep_local_state 4) in a primary component of at least {@code size}. */
    public void awaitSynced(MariaDbNode node, int size) {
        Waits.until(node + " Synced in a primary component of " + size, SYNC_TIMEOUT, () -> {
            try (Connection c = Sql.connect(node.host(), node.port(), users.admin(), 2_000)) {
                return "4".equals(Sql.status(c, "wsrep_local_state"))
                        && "Primary".equals(Sql.status(c, "wsrep_cluster_status"))
                        && Integer.parseInt(Sql.status(c, "wsrep_cluster_size")) >= size;
            }
        });
    }

    /**
     * Restarts a node after kill -9 the way an operator would: recover its position with --wsrep-recover and
     * start from it, so it rejoins by IST instead of a full SST.
     */
    public void restartAfterCrash(MariaDbNode node) {
        if (node.isRunning()) {
            throw new IllegalStateException(node + " is still running");
        }
        String position = recoverPosition(node);
        node.start("--wsrep-start-position=" + position);
        awaitSynced(node, nodes.size());
    }

    private String recoverPosition(MariaDbNode node) {
        try {
            long offset = Files.exists(node.errorLog()) ? Files.size(node.errorLog()) : 0;
            ManagedProcess recover = ManagedProcess.start("wsrep-recover " + node.name(),
                    node.serverCommand("--wsrep-recover"), node.dir(), node.dir().resolve("recover.log"),
                    ManagedProcess.Ownership.TEST);
            if (!recover.awaitExit(Duration.ofSeconds(120))) {
                recover.kill();
                throw new IllegalStateException("--wsrep-recover on " + node + " did not finish");
            }
            String log = ManagedProcess.since(node.errorLog(), offset);
            Matcher m = RECOVERED.matcher(log);
            String found = null;
            while (m.find()) {
                found = m.group(1);
            }
            if (found == null) {
                throw new IllegalStateException("--wsrep-recover on " + node + " printed no position:\n"
                        + ManagedProcess.tailOf(node.errorLog(), 15));
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<MariaDbNode> nodes() {
        return nodes;
    }

    public DbUsers users() {
        return users;
    }

    public ClusterSpec spec(String clusterId) {
        return new ClusterSpec(clusterId, ClusterKind.GALERA, nodes.stream()
                .map(ServerNode::nodeSpec).toList(),
                null, null, null, null, null, null);
    }

    /** Stops in reverse order, so the first node is the safe one to bootstrap from next time. */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
    }
}
