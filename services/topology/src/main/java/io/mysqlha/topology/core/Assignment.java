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
}
