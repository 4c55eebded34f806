package io.mysqlha.topology.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GroupReplicationState;
import io.mysqlha.events.health.LagSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mysqlha.topology.core.Observations.header;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each misfit between a node and its cluster's spec, by what the probe saw of the node. */
class CompatibilityTest {
    private static final Hysteresis H = new Hysteresis(2, 2, Duration.ofMillis(1500));

    @Test
    void aMariaDbNodeInAGroupReplicationClusterIsNamedWithWhatToChange() {
        List<AlertCondition> found = conditions(ClusterKind.GROUP_REPLICATION,
                node("g1", Flavour.MYSQL, "9.7.4"), node("g2", Flavour.MARIADB, "10.11.6-MariaDB-0+deb12u1"));
        assertEquals(List.of("NodeWrongFlavour/g2"), keys(found));
        assertEquals("g2 is MariaDB 10.11.6, and MariaDB has no Group Replication: a cluster of kind"
                + " group_replication needs MySQL 8.0.26 or later; give this node's cluster the kind galera,"
                + " semi_sync or async, or point the spec at a MySQL member", found.getFirst().summary());
    }

    @Test
    void aMySqlNodeAmongMariaDbReplicasIsTheOneNamed() {
        List<AlertCondition> found = conditions(ClusterKind.SEMI_SYNC, node("n1", Flavour.MARIADB, "10.11.6-MariaDB"),
                node("n2", Flavour.MARIADB, "10.11.6-MariaDB"), node("n3", Flavour.MYSQL, "9.7.4"));
        assertEquals(List.of("NodeWrongFlavour/n3"), keys(found));
        assertEquals("n3 is MySQL 9.7.4 while other nodes of c1 are MariaDB: MariaDB and MySQL GTIDs differ, so they"
                + " cannot replicate from each other with auto-positioning; give this node a cluster of its own"
                + " flavour", found.getFirst().summary());
    }

    @Test
    void anEvenMixNamesEveryNode() {
        assertEquals(List.of("NodeWrongFlavour/n1", "NodeWrongFlavour/n2"), keys(conditions(ClusterKind.ASYNC,
                node("n1", Flavour.MARIADB, "10.11.6-MariaDB"), node("n2", Flavour.MYSQL, "8.4.3"))));
    }

    @Test
    void aGaleraClusterNodeWithoutWsrepIsNamed() {
        List<AlertCondition> found = conditions(ClusterKind.GALERA, node("n1", Flavour.MARIADB, "10.11.6-MariaDB"));
        assertEquals(List.of("NodeWrongFlavour/n1"), keys(found));
    }

    @Test
    void versionsOlderThanTheDialectsNeedAreNamedWithTheMinimum() {
        List<AlertCondition> found = conditions(ClusterKind.ASYNC, node("n1", Flavour.MYSQL, "5.7.44-log"),
                node("n2", Flavour.MYSQL, "8.0.25"), node("n3", Flavour.MYSQL, "8.0.26"));
        assertEquals(List.of("UnsupportedServerVersion/n1", "UnsupportedServerVersion/n2"), keys(found));
        assertEquals("n1 runs MySQL 5.7.44; mysqlha needs MySQL 8.0.26 or later (SHOW REPLICA STATUS, CHANGE"
                + " REPLICATION SOURCE TO, the semisync_source plugin): upgrade it", found.getFirst().summary());
        assertEquals(List.of("UnsupportedServerVersion/m1"), keys(conditions(ClusterKind.SEMI_SYNC,
                node("m1", Flavour.MARIADB, "5.5.5-10.4.34-MariaDB"), node("m2", Flavour.MARIADB, "10.5.0-MariaDB"))));
    }

    @Test
    void aVersionThatCannotBeReadIsSaidSo() {
        assertEquals("n1 reports the version 'devel', which mysqlha cannot read; it needs MySQL 8.0.26 or later",
                conditions(ClusterKind.ASYNC, node("n1", Flavour.MYSQL, "devel")).getFirst().summary());
    }

    @Test
    void fittingNodesAndAuroraVersionsRaiseNothing() {
        assertEquals(List.of(), keys(conditions(ClusterKind.GROUP_REPLICATION, node("g1", Flavour.MYSQL, "9.7.4"),
                node("g2", Flavour.MYSQL, "8.4.3"))));
        assertEquals(List.of(), keys(conditions(ClusterKind.AURORA, node("a1", Flavour.MYSQL, "8.0.mysql_aurora.3.04.0"))));
    }

    private static NodeHealthObserved node(String id, Flavour flavour, String version) {
        return new NodeHealthObserved(header(0), id, "h", 1, true, null, 100, flavour, version, false, false, null,
                null, null, null, null, LagSource.SERVER_REPORTED, null,
                flavour == Flavour.MYSQL ? new GroupReplicationState("ONLINE", "PRIMARY", 0, true, true) : null, null);
    }

    private static List<AlertCondition> conditions(ClusterKind kind, NodeHealthObserved... observed) {
        List<NodeSpec> nodes = java.util.Arrays.stream(observed)
                .map(o -> new NodeSpec(o.nodeId(), "h", 1, null, null, null, null)).toList();
        ClusterSpec spec = new ClusterSpec("c1", kind, nodes, null, null, null, null, null, null);
        Map<String, NodeTrack> tracks = new HashMap<>();
        for (NodeHealthObserved o : observed) {
            tracks.put(o.nodeId(), NodeTrack.unseen(o.nodeId()).observe(o, H, 0));
        }
        return Compatibility.conditions(new ClusterState(spec, tracks, FailoverEpoch.NONE, Assignment.EMPTY));
    }

    private static List<String> keys(List<AlertCondition> found) {
        return found.stream().map(AlertCondition::key).sorted().toList();
    }
}
