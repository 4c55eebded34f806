package io.mysqlha.gateway.routing;

import io.mysqlha.events.TopologyChanged;

import java.util.List;

/**
 * Where one cluster's statements go, from its latest TopologyChanged: the writer (the first of the writers, as
 * ProxySQL's max_writers=1 writer hostgroup) and the weighted readers.
 */
public record Routes(String clusterId, long generation, long epoch, Node writer, List<Node> readers) {
    public record Node(String nodeId, String host, int port, int weight) {
        public String address() {
            return host + ":" + port;
        }
    }

    public Routes {
        readers = List.copyOf(readers);
    }

    public static Routes of(TopologyChanged t) {
        Node writer = t.writers().isEmpty() ? null : node(t.writers().getFirst());
        return new Routes(t.clusterId(), t.generation(), t.epoch(), writer,
                t.readers().stream().map(Routes::node).toList());
    }

    private static Node node(TopologyChanged.AssignedNode n) {
        return new Node(n.nodeId(), n.host(), n.port(), Math.max(n.weight(), 0));
    }

    /**
     * A reader chosen by weight (ProxySQL's hostgroup weights) from a uniform number in [0, 1); null when no node
     * reads. Weights of 0 never take reads unless every reader has 0.
     */
    public Node reader(double uniform) {
        if (readers.isEmpty()) {
            return null;
        }
        long total = readers.stream().mapToLong(Node::weight).sum();
        if (total == 0) {
            return readers.get((int) Math.min(readers.size() - 1, Math.floor(uniform * readers.size())));
        }
        double point = uniform * total;
        long acc = 0;
        for (Node n : readers) {
            acc += n.weight();
            if (point < acc) {
                return n;
            }
        }
        return readers.getLast();
    }

    /** Whether a node still has the role: a session on it may stay. */
    public boolean reads(String address) {
        return readers.stream().anyMatch(n -> n.address().equals(address));
    }
}
