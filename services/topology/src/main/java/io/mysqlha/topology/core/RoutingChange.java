package io.mysqlha.topology.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether two assignments route differently, and what changed in words. Reasons are left out of the comparison:
 * "replica, lag 12 ms" becoming "lag 40 ms" routes nothing differently and must not publish a generation.
 */
public final class RoutingChange {
    private RoutingChange() {
    }

    public static boolean same(Assignment a, Assignment b) {
        return keys(a.writers()).equals(keys(b.writers())) && keys(a.readers()).equals(keys(b.readers()))
                && keys(a.backupWriters()).equals(keys(b.backupWriters())) && keys(a.offline()).equals(keys(b.offline()));
    }

    /** One line per node whose role changed, e.g. {@code node3 reader -> offline (replication stopped...)}. */
    public static String describe(Published before, Assignment after, long epoch) {
        List<String> parts = new ArrayList<>();
        if (before.generation() == 0) {
            parts.add("first assignment");
        }
        if (epoch != before.epoch()) {
            parts.add("epoch " + before.epoch() + " -> " + epoch);
        }
        Set<String> nodes = new LinkedHashSet<>();
        for (Assignment a : List.of(before.assignment(), after)) {
            for (List<Placement> set : List.of(a.writers(), a.readers(), a.backupWriters(), a.offline())) {
                set.forEach(p -> nodes.add(p.nodeId()));
            }
        }
        for (String node : nodes) {
            String was = role(before.assignment(), node);
            String is = role(after, node);
            if (!was.equals(is)) {
                parts.add(node + " " + was + " -> " + is + reason(after, node).map(r -> " (" + r + ")").orElse(""));
            }
        }
        return parts.isEmpty() ? "weights or addresses changed" : String.join("; ", parts);
    }

    static String role(Assignment a, String node) {
        List<String> roles = new ArrayList<>();
        if (contains(a.writers(), node)) {
            roles.add("writer");
        }
        if (contains(a.backupWriters(), node)) {
            roles.add("backup-writer");
        }
        if (contains(a.readers(), node)) {
            roles.add("reader");
        }
        if (contains(a.offline(), node)) {
            roles.add("offline");
        }
        return roles.isEmpty() ? "none" : String.join("+", roles);
    }

    private static java.util.Optional<String> reason(Assignment a, String node) {
        for (List<Placement> set : List.of(a.offline(), a.writers(), a.backupWriters(), a.readers())) {
            for (Placement p : set) {
                if (p.nodeId().equals(node)) {
                    return java.util.Optional.of(p.reason());
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean contains(List<Placement> set, String node) {
        return set.stream().anyMatch(p -> p.nodeId().equals(node));
    }

    private static Set<String> keys(List<Placement> set) {
        Set<String> keys = new TreeSet<>();
        set.forEach(p -> keys.add(p.nodeId() + "@" + p.host() + ":" + p.port() + "/" + p.weight()));
        return keys;
    }
}
