package io.mysqlha.events;

import java.util.List;

/**
 * @param generation    strictly increasing per cluster; a gateway ignores anything older than it has
 * @param epoch         the current primary epoch (increases with every promotion)
 * @param writers       nodes that take writes
 * @param readers       nodes that take reads, with weights
 * @param backupWriters healthy nodes that could write but exceed max_writers
 * @param offline       nodes taken out of rotation, each with the reason
 * @param cause         what made the assignment change
 */
@EventDoc("The writer/reader assignment of a cluster changed (ProxySQL hostgroup semantics). Compacted:"
        + " the latest record is the cluster's current routing.")
public record TopologyChanged(EventHeader header, long generation, long epoch, List<AssignedNode> writers,
                              List<AssignedNode> readers, List<AssignedNode> backupWriters,
                              List<AssignedNode> offline, String cause) implements Event {
    public TopologyChanged {
        writers = List.copyOf(writers);
        readers = List.copyOf(readers);
        backupWriters = List.copyOf(backupWriters);
        offline = List.copyOf(offline);
    }

    /** A node in one of the assignment sets, and why it is there. */
    public record AssignedNode(String nodeId, String host, int port, int weight, String reason) {
    }
}
