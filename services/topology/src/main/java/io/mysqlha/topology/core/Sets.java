package io.mysqlha.topology.core;

import java.util.ArrayList;
import java.util.List;

/** The four sets one derivation fills. */
final class Sets {
    final List<Placement> writers = new ArrayList<>();
    final List<Placement> readers = new ArrayList<>();
    final List<Placement> backupWriters = new ArrayList<>();
    final List<Placement> offline = new ArrayList<>();
}
