package io.mysqlha.topology.kafka;

import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.topology.core.AlertCondition;
import io.mysqlha.topology.core.Assignment;
import io.mysqlha.topology.core.Placement;
import io.mysqlha.topology.core.Published;

import java.util.List;
import java.util.Map;

/** Between the core's records and the events on the topology and alerts topics, both ways. */
final class TopologyRecords {
    private TopologyRecords() {
    }

    static TopologyChanged changed(EventHeader header, Published p, String cause) {
        Assignment a = p.assignment();
        return new TopologyChanged(header, p.generation(), p.epoch(), nodes(a.writers()), nodes(a.readers()),
                nodes(a.backupWriters()), nodes(a.offline()), cause);
    }

    static Published published(TopologyChanged e) {
        return new Published(e.generation(), e.epoch(), new Assignment(placements(e.writers()),
                placements(e.readers()), placements(e.backupWriters()), placements(e.offline())));
    }

    /** Stable for one condition on one subject, so the resolution names what it resolves. */
    static String alertId(String clusterId, AlertCondition c) {
        return clusterId + "/" + c.key();
    }

    static AlertRaised raised(EventHeader header, AlertCondition c) {
        Map<String, String> labels = new java.util.TreeMap<>();
        labels.put("cluster", header.clusterId());
        if (c.nodeId() != null) {
            labels.put("node", c.nodeId());
        }
        return new AlertRaised(header, alertId(header.clusterId(), c), c.name(), c.severity(), c.nodeId(),
                c.summary(), labels);
    }

    static AlertResolved resolved(EventHeader header, AlertCondition c) {
        return new AlertResolved(header, alertId(header.clusterId(), c), c.name(), c.nodeId(),
                "resolved: " + c.summary());
    }

    static AlertCondition condition(AlertRaised raised) {
        return new AlertCondition(raised.name(), raised.severity(), raised.nodeId(), raised.summary());
    }

    private static List<TopologyChanged.AssignedNode> nodes(List<Placement> ps) {
        return ps.stream().map(p -> new TopologyChanged.AssignedNode(p.nodeId(), p.host(), p.port(), p.weight(),
                p.reason())).toList();
    }

    private static List<Placement> placements(List<TopologyChanged.AssignedNode> ns) {
        return ns.stream().map(n -> new Placement(n.nodeId(), n.host(), n.port(), n.weight(), n.reason())).toList();
    }
}
