package io.mysqlha.topology.core;

import io.mysqlha.domain.Flavour;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.GroupReplicationState;
import io.mysqlha.events.health.LagSource;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ReplicationChannel;
import io.mysqlha.events.health.SemiSyncState;
import io.mysqlha.events.health.ThreadState;

import java.time.Instant;

/** Small builders of observations for table tests. */
final class Observations {
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private Observations() {
    }

    static EventHeader header(long millis) {
        return new EventHeader("e", "NodeHealthObserved", "c1", T0.plusMillis(millis), "health-probe", "p", "1.0");
    }

    static NodeHealthObserved primary(String node, long at) {
        return new NodeHealthObserved(header(at), node, "h", 1, true, null, 100, Flavour.MARIADB, "10.11", false, null,
                null, null, null, new SemiSyncState(true, true, 2, 10, 0, true, false), null, null, null, null, null);
    }

    static NodeHealthObserved primaryDegraded(String node, long at) {
        return new NodeHealthObserved(header(at), node, "h", 1, true, null, 100, Flavour.MARIADB, "10.11", false, null,
                null, null, null, new SemiSyncState(true, false, 0, 10, 3, true, false), null, null, null, null, null);
    }

    static NodeHealthObserved replica(String node, long at, ThreadState io, ThreadState sql, Long lag) {
        return new NodeHealthObserved(header(at), node, "h", 1, true, null, 100, Flavour.MARIADB, "10.11", true, null,
                null, null, new ReplicationChannel("h", 1, io, sql, 0, null, sql == ThreadState.STOPPED ? 1062 : 0,
                sql == ThreadState.STOPPED ? "Duplicate entry" : null, 0L, "0-1-5", "0-1-5", "Slave_Pos"),
                null, lag, lag == null ? null : LagSource.HEARTBEAT, null, null, null);
    }

    static NodeHealthObserved replica(String node, long at, long lag) {
        return replica(node, at, ThreadState.RUNNING, ThreadState.RUNNING, lag);
    }

    static NodeHealthObserved down(String node, long at, ProbeFailure.Reason reason) {
        return new NodeHealthObserved(header(at), node, "h", 1, false, new ProbeFailure(reason,
                reason == ProbeFailure.Reason.AUTH_FAILURE ? 1045 : null, reason.name().toLowerCase()), 400_000,
                null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    static NodeHealthObserved galera(String node, long at, boolean readOnly, GaleraState g) {
        return new NodeHealthObserved(header(at), node, "h", 1, true, null, 100, Flavour.MARIADB, "10.11", readOnly,
                null, null, null, null, null, null, null, g, null, null);
    }

    static GaleraState synced(long recvQueue) {
        return new GaleraState(4, "Synced", "Primary", 3, false, "NONE", recvQueue, true, true, 0);
    }

    static NodeHealthObserved member(String node, long at, String state, String role, long behind, boolean viable) {
        return new NodeHealthObserved(header(at), node, "h", 1, true, null, 100, Flavour.MYSQL, "8.0.39",
                !"PRIMARY".equals(role), !"PRIMARY".equals(role), null, null, null, null, null, LagSource.SERVER_REPORTED,
                null, new GroupReplicationState(state, role, behind, true, viable), null);
    }
}
