package io.mysqlha.topology.core;

import java.util.List;

/** ProxySQL's hostgroups for one cluster: writers, readers, backup writers, offline. */
public record Assignment(List<Placement> writers, List<Placement> readers, List<Placement> backupWriters,
                         List<Placement> offline) {
    public static final Assignment EMPTY = new Assignment(List.of(), List.of(), List.of(), List.of());

    public Assignment {
        writers = List.copyOf(writers);
        readers = List.copyOf(readers);
        backupWriters = List.copyOf(backupWriters);
        offline = List.copyOf(offline);
    }

    /** Same sets with the same nodes and weights; reasons may differ without it being a change for routing. */
    public boolean sameRouting(Assignment other) {
        return ids(writers).equals(ids(other.writers)) && ids(readers).equals(ids(other.readers))
                && ids(backupWriters).equals(ids(other.backupWriters)) && ids(offline).equals(ids(other.offline));
    }

    private static List<String> ids(List<Placement> ps) {
        return ps.stream().map(p -> p.nodeId() + "@" + p.weight()).sorted().toList();
    }
}
