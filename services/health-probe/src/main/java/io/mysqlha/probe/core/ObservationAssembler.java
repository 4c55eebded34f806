package io.mysqlha.probe.core;

import io.mysqlha.domain.Flavour;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.GroupReplicationState;
import io.mysqlha.events.health.LagSource;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ReplicationChannel;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a probe read into the event everyone else trusts. Pure: no I/O, no clock; the prober passes the
 * round trip and the heartbeat lag it measured.
 */
public final class ObservationAssembler {
    private static final Set<String> BASE_VARIABLES = Set.of("version", "read_only", "super_read_only", "server_id");

    private ObservationAssembler() {
    }

    /** Every global variable a probe of this flavour reads (one SHOW GLOBAL VARIABLES ... IN (...)). */
    public static Set<String> variables(Flavour flavour) {
        Set<String> names = new HashSet<>(BASE_VARIABLES);
        names.addAll(Flavours.dialect(flavour).gtidVariables());
        names.add("server_uuid");
        names.addAll(SemiSyncReader.VARIABLES);
        names.addAll(GaleraReader.VARIABLES);
        names.addAll(GroupReplicationReader.VARIABLES);
        names.addAll(AuroraReader.VARIABLES);
        return names;
    }

    /** Every global status a probe reads. */
    public static Set<String> statusNames() {
        Set<String> names = new HashSet<>(SemiSyncReader.STATUS);
        names.addAll(GaleraReader.STATUS);
        return names;
    }

    public static NodeHealthObserved reachable(EventHeader header, ProbeTarget target, Readings r, long rttMicros,
                                               Long heartbeatLagMillis) {
        Map<String, String> vars = r.variables();
        Flavour flavour = Flavours.of(vars.get("version"));
        ReplicationDialect dialect = Flavours.dialect(flavour);
        ReplicationChannel channel = r.replicaStatus().isEmpty() ? null : dialect.channel(defaultChannel(r.replicaStatus()), vars);
        GaleraState galera = GaleraReader.read(vars, r.status());
        GroupReplicationState group = GroupReplicationReader.isMember(vars)
                ? GroupReplicationReader.read(vars, r.groupMembers()) : null;
        Long lag = null;
        LagSource lagSource = null;
        if (heartbeatLagMillis != null) {
            lag = heartbeatLagMillis;
            lagSource = LagSource.HEARTBEAT;
        } else if (channel != null && channel.secondsBehindSource() != null) {
            lag = channel.secondsBehindSource() * 1000;
            lagSource = LagSource.SECONDS_BEHIND;
        } else if (group != null) {
            lagSource = LagSource.SERVER_REPORTED;
        }
        return new NodeHealthObserved(header, target.node().id(), target.node().host(), target.node().port(), true,
                null, rttMicros, flavour, vars.get("version"), Values.bool(vars.get("read_only")),
                Values.bool(vars.get("super_read_only")), null, dialect.gtid(vars), channel,
                SemiSyncReader.read(vars, r.status()), lag, lagSource, galera, group,
                AuroraReader.isAurora(vars) ? AuroraReader.read(r.auroraReplicas()) : null);
    }

    public static NodeHealthObserved unreachable(EventHeader header, ProbeTarget target, ProbeFailure failure,
                                                 long rttMicros) {
        return new NodeHealthObserved(header, target.node().id(), target.node().host(), target.node().port(), false,
                failure, rttMicros, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * MariaDB multi-source lists several channels; the default one (empty Connection_name) is the topology's.
     * The heartbeat follows the same channel ({@link HeartbeatPlan}).
     */
    static Map<String, String> defaultChannel(List<Map<String, String>> replicaStatus) {
        return replicaStatus.stream().filter(row -> row.getOrDefault("Connection_name", "").isEmpty())
                .findFirst().orElse(replicaStatus.getFirst());
    }
}
