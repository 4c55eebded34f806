package io.mysqlha.topology.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.Severity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether each node is a server the cluster's spec can work with: its flavour fits the spec's kind (MariaDB has no
 * Group Replication; MariaDB and MySQL GTIDs do not mix in one replication cluster) and its version is one mysqlha
 * speaks to. Each misfit is an alert naming the node, what it is, and what to change; routing is left to the
 * kind's rules (a node that cannot take part is already out of them). Pure, over each node's last good observation.
 */
public final class Compatibility {
    /** SHOW REPLICA STATUS (8.0.22), CHANGE REPLICATION SOURCE TO (8.0.23), the semisync_source plugin (8.0.26). */
    static final Version MYSQL_MINIMUM = new Version(8, 0, 26);
    /** SHOW SLAVE STATUS with Gtid_IO_Pos, READ_ONLY-aware privileges, MASTER_GTID_WAIT: the 10.5 series. */
    static final Version MARIADB_MINIMUM = new Version(10, 5, 0);
    private static final Pattern VERSION = Pattern.compile("(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private Compatibility() {
    }

    record Version(int major, int minor, int patch) implements Comparable<Version> {
        static Optional<Version> parse(String text) {
            Matcher m = text == null ? null : VERSION.matcher(text);
            if (m == null || !m.lookingAt()) {
                return Optional.empty();
            }
            return Optional.of(new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
        }

        @Override
        public int compareTo(Version o) {
            int c = Integer.compare(major, o.major);
            c = c != 0 ? c : Integer.compare(minor, o.minor);
            return c != 0 ? c : Integer.compare(patch, o.patch);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    public static List<AlertCondition> conditions(ClusterState s) {
        ClusterSpec spec = s.spec();
        Map<String, NodeHealthObserved> seen = new LinkedHashMap<>();
        for (NodeSpec n : spec.nodes()) {
            NodeHealthObserved o = s.track(n.id()).lastGood();
            if (o != null && o.flavour() != null) {
                seen.put(n.id(), o);
            }
        }
        List<AlertCondition> conditions = new ArrayList<>();
        seen.forEach((id, o) -> {
            wrongFlavour(spec, id, o, expectedFlavour(seen.values(), o.flavour())).ifPresent(why -> conditions.add(
                    new AlertCondition("NodeWrongFlavour", Severity.CRITICAL, id, why)));
            unsupportedVersion(spec.kind(), id, o).ifPresent(why -> conditions.add(
                    new AlertCondition("UnsupportedServerVersion", Severity.WARNING, id, why)));
        });
        return conditions;
    }

    /** @param other the flavour of the cluster's other nodes, when it is not this node's */
    private static Optional<String> wrongFlavour(ClusterSpec spec, String id, NodeHealthObserved o,
                                                 Optional<Flavour> other) {
        String is = id + " is " + describe(o);
        return switch (spec.kind()) {
            case GROUP_REPLICATION -> o.flavour() == Flavour.MARIADB
                    ? Optional.of(is + ", and MariaDB has no Group Replication: a cluster of kind group_replication"
                    + " needs MySQL " + MYSQL_MINIMUM + " or later; give this node's cluster the kind galera,"
                    + " semi_sync or async, or point the spec at a MySQL member")
                    : Optional.empty();
            case AURORA -> o.flavour() == Flavour.MARIADB
                    ? Optional.of(is + ": a cluster of kind aurora needs Aurora MySQL endpoints; change the"
                    + " spec's kind or the node's address")
                    : Optional.empty();
            case GALERA -> o.galera() == null
                    ? Optional.of(is + " without Galera (wsrep_on is OFF or no wsrep provider is loaded): a cluster"
                    + " of kind galera needs MariaDB Galera or Percona XtraDB Cluster nodes; turn wsrep on or"
                    + " change the spec's kind")
                    : Optional.empty();
            case ASYNC, SEMI_SYNC -> other
                    .map(f -> is + " while other nodes of " + spec.clusterId() + " are " + name(f)
                            + ": MariaDB and MySQL GTIDs differ, so they cannot replicate from each other with"
                            + " auto-positioning; give this node a cluster of its own flavour");
        };
    }

    private static Optional<String> unsupportedVersion(ClusterKind kind, String id, NodeHealthObserved o) {
        if (kind == ClusterKind.AURORA) {
            return Optional.empty(); // Aurora's version names its own engine releases
        }
        Version minimum = o.flavour() == Flavour.MARIADB ? MARIADB_MINIMUM : MYSQL_MINIMUM;
        Optional<Version> version = Version.parse(o.version());
        if (version.isEmpty()) {
            return Optional.of(id + " reports the version '" + o.version() + "', which mysqlha cannot read; it"
                    + " needs " + name(o.flavour()) + " " + minimum + " or later");
        }
        return version.filter(v -> v.compareTo(minimum) < 0).map(v -> id + " runs " + describe(o)
                + "; mysqlha needs " + name(o.flavour()) + " " + minimum + " or later"
                + (o.flavour() == Flavour.MYSQL ? " (SHOW REPLICA STATUS, CHANGE REPLICATION SOURCE TO, the"
                + " semisync_source plugin)" : " (SHOW SLAVE STATUS with Gtid_IO_Pos, MASTER_GTID_WAIT)")
                + ": upgrade it");
    }

    /**
     * The flavour a replication cluster's node should have: that of most nodes; when the flavours are even, none
     * is right and every node is named.
     */
    private static Optional<Flavour> expectedFlavour(Collection<NodeHealthObserved> seen, Flavour of) {
        Map<Flavour, Integer> counts = new EnumMap<>(Flavour.class);
        seen.forEach(o -> counts.merge(o.flavour(), 1, Integer::sum));
        if (counts.size() < 2) {
            return Optional.empty();
        }
        int most = Collections.max(counts.values());
        List<Flavour> leading = counts.entrySet().stream().filter(e -> e.getValue() == most).map(Map.Entry::getKey)
                .toList();
        if (leading.size() == 1) {
            return leading.getFirst() == of ? Optional.empty() : Optional.of(leading.getFirst());
        }
        return Optional.of(of == Flavour.MARIADB ? Flavour.MYSQL : Flavour.MARIADB);
    }

    private static String describe(NodeHealthObserved o) {
        return name(o.flavour()) + " " + Version.parse(o.version()).map(Version::toString).orElse(o.version());
    }

    private static String name(Flavour f) {
        return f == Flavour.MARIADB ? "MariaDB" : "MySQL";
    }
}
