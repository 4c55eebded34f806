package io.mysqlha.failover.core;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GtidState;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ReplicationChannel;
import io.mysqlha.events.health.ThreadState;

import java.time.Instant;
import java.util.List;

/** Builders of specs and observations for the failover table tests: nodes n1 (port 1), n2 (2), n3 (3). */
final class Nodes {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private Nodes() {
    }

    static ClusterSpec spec(NodeSpec... nodes) {
        return new ClusterSpec("c1", ClusterKind.SEMI_SYNC, List.of(nodes), null, null, null, null, null,
                List.of("a", "b"));
    }

    static ClusterSpec spec() {
        return spec(node("n1"), node("n2"), node("n3"));
    }

    static NodeSpec node(String id) {
        return new NodeSpec(id, "h", port(id), "a", 1, false, null);
    }

    static int port(String id) {
        return Integer.parseInt(id.substring(1));
    }

    static EventHeader header(long millis) {
        return new EventHeader("e", "NodeHealthObserved", "c1", T0.plusMillis(millis), "health-probe", "p", "1.1");
    }

    static NodeHealthObserved primary(String id, long at, String binlogPos) {
        return new NodeHealthObserved(header(at), id, "h", port(id), true, null, 100, Flavour.MARIADB, "10.11", false,
                false, null, new GtidState(null, null, binlogPos, binlogPos, ""), null, null, null, null, null, null,
                null);
    }

    static NodeHealthObserved replica(String id, long at, String source, ThreadState io, String binlogPos) {
        return replica(id, at, source, io, ThreadState.RUNNING, true, binlogPos);
    }

    static NodeHealthObserved replica(String id, long at, String source, ThreadState io, ThreadState sql,
                                      boolean readOnly, String binlogPos) {
        return new NodeHealthObserved(header(at), id, "h", port(id), true, null, 100, Flavour.MARIADB, "10.11",
                readOnly, null, null, new GtidState(null, null, binlogPos, binlogPos, binlogPos),
                new ReplicationChannel("h", port(source), io, sql, io == ThreadState.CONNECTING ? 2003 : 0,
                        io == ThreadState.CONNECTING ? "error reconnecting to master" : "", 0, "", 0L, binlogPos,
                        binlogPos, "Slave_Pos"), null, 0L, null, null, null, null);
    }

    static NodeHealthObserved alone(String id, long at, String binlogPos) {
        return new NodeHealthObserved(header(at), id, "h", port(id), true, null, 100, Flavour.MARIADB, "10.11", true,
                true, null, new GtidState(null, null, binlogPos, binlogPos, ""), null, null, null, null, null, null,
                null);
    }

    static NodeHealthObserved down(String id, long at, ProbeFailure.Reason reason) {
        return new NodeHealthObserved(header(at), id, "h", port(id), false, new ProbeFailure(reason, null, "x"),
                400_000, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    static TopologyChanged topology(long generation, long epoch, String writer) {
        return new TopologyChanged(new EventHeader("t", "TopologyChanged", "c1", T0, "topology", "t", "1.1"),
                generation, epoch, List.of(new TopologyChanged.AssignedNode(writer, "h", port(writer), 1, "w")),
                List.of(), List.of(), List.of(), "test");
    }

    static FailoverCompleted completed(long epoch, String from, String to, String promotedAt) {
        return new FailoverCompleted(new EventHeader("f", "FailoverCompleted", "c1", T0.plusMillis(500), "failover",
                "f", "1.1"),
                "fo-" + epoch, FailoverKind.FAILOVER, from, to, epoch, java.util.Map.of(), 0, "", promotedAt);
    }
}
