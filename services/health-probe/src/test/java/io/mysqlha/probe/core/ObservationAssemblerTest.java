package io.mysqlha.probe.core;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.domain.gtid.MysqlGtidSet;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.health.GaleraState;
import io.mysqlha.events.health.LagSource;
import io.mysqlha.events.health.ProbeFailure;
import io.mysqlha.events.health.ThreadState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObservationAssemblerTest {
    private static final EventHeader HEADER = new EventHeader("id", "NodeHealthObserved", "local",
            Instant.parse("2026-11-21T10:00:00Z"), "health-probe", "p1", "1.0");
    private static final ProbeTarget TARGET = new ProbeTarget("local",
            new NodeSpec("node2", "127.0.0.1", 3308, null, null, null, null));

    private static Readings readings(String variables, String status, String replicaStatus) {
        return new Readings(Captured.variables(variables), status == null ? Map.of() : Captured.variables(status),
                replicaStatus == null ? List.of() : Captured.rows(replicaStatus), null, List.of(), List.of());
    }

    @Test
    void shouldReadAMariaDbSemiSyncReplica() {
        NodeHealthObserved o = ObservationAssembler.reachable(HEADER, TARGET, readings("mariadb-replica-variables.txt",
                "mariadb-replica-status.txt", "mariadb-replica-slave-status.txt"), 420, null);
        assertTrue(o.reachable());
        assertEquals(Flavour.MARIADB, o.flavour());
        assertTrue(o.version().contains("MariaDB"), o.version());
        assertEquals(true, o.readOnly());
        assertNull(o.superReadOnly(), "MariaDB has no super_read_only");
        var channel = o.replication();
        assertEquals("127.0.0.1", channel.sourceHost());
        assertEquals(3307, channel.sourcePort());
        assertEquals(ThreadState.RUNNING, channel.ioThread());
        assertEquals(ThreadState.RUNNING, channel.sqlThread());
        assertEquals(0L, channel.secondsBehindSource());
        assertEquals("Slave_Pos", channel.usingGtid());
        assertNull(channel.lastIoError());
        assertTrue(MariaDbGtidPosition.parse(channel.receivedGtids()).contains(
                MariaDbGtidPosition.parse(channel.executedGtids())));
        assertEquals(channel.executedGtids(), o.gtid().slavePos());
        assertTrue(o.semiSync().slaveEnabled());
        assertTrue(o.semiSync().slaveStatus());
        assertFalse(o.semiSync().masterEnabled());
        assertEquals(0L, o.lagMillis());
        assertEquals(LagSource.SECONDS_BEHIND, o.lagSource());
        assertNull(o.galera());
        assertEquals(420, o.rttMicros());
    }

    @Test
    void shouldReadAMariaDbSemiSyncPrimary() {
        NodeHealthObserved o = ObservationAssembler.reachable(HEADER, TARGET, readings("mariadb-primary-variables.txt",
                "mariadb-primary-status.txt", null), 300, null);
        assertEquals(false, o.readOnly());
        assertNull(o.replication());
        assertTrue(o.semiSync().masterEnabled());
        assertTrue(o.semiSync().masterStatus());
        assertEquals(2, o.semiSync().masterClients());
        assertFalse(MariaDbGtidPosition.parse(o.gtid().binlogPos()).isEmpty());
        assertNull(o.lagMillis());
    }

    @Test
    void shouldSeeAStoppedIoThread() {
        NodeHealthObserved o = ObservationAssembler.reachable(HEADER, TARGET, readings("mariadb-replica-variables.txt",
                null, "mariadb-replica-io-stopped-slave-status.txt"), 300, null);
        assertEquals(ThreadState.STOPPED, o.replication().ioThread());
        assertEquals(ThreadState.RUNNING, o.replication().sqlThread());
        assertNull(o.replication().secondsBehindSource());
        assertNull(o.lagMillis(), "no lag figure is invented when the server has none");
    }

    @Test
    void shouldReadAMysql8ReplicaWhoseIoThreadIsConnecting() {
        NodeHealthObserved o = ObservationAssembler.reachable(HEADER, TARGET, readings("mysql8-replica-variables.txt",
                "mysql8-replica-status.txt", "mysql8-replica-replica-status.txt"), 300, null);
        assertEquals(Flavour.MYSQL, o.flavour());
        assertEquals(true, o.superReadOnly());
        assertEquals("5a5e1c7e-35e6-11ee-a0d1-0242ac120003", o.gtid().serverUuid());
        assertEquals(5042 + 27, MysqlGtidSet.parse(o.gtid().executed()).count());
        var channel = o.replication();
        assertEquals("mysql-primary", channel.sourceHost());
        assertEquals(ThreadState.CONNECTING, channel.ioThread());
        assertEquals(2003, channel.lastIoErrno());
        assertTrue(channel.lastIoError().contains("Can't connect"), channel.lastIoError());
        assertNull(channel.secondsBehindSource());
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5042,fbc9a2b5-35e5-11ee-b66d-0242ac120002:1-27",
                MysqlGtidSet.parse(channel.executedGtids()).toString());
        assertEquals(53, MysqlGtidSet.parse(channel.receivedGtids()).count());
        assertEquals("Auto_Position", channel.usingGtid());
        assertTrue(o.semiSync().slaveEnabled());
        assertTrue(o.semiSync().slaveStatus());
    }

    @Test
    void shouldReadAGroupReplicationMember() {
        Readings r = new Readings(Captured.variables("mysql8-gr-variables.txt"), Map.of(), List.of(), null,
                Captured.rows("mysql8-gr-members.txt"), List.of());
        NodeHealthObserved o = ObservationAssembler.reachable(HEADER, TARGET, r, 300, null);
        var gr = o.groupReplication();
        assertEquals("ONLINE", gr.memberState());
        assertEquals("SECONDARY", gr.memberRole());
        assertEquals(44, gr.transactionsBehind());
        assertTrue(gr.singlePrimaryMode());
        assertTrue(gr.viable(), "2 of 3 members ONLINE is a majority");
        assertEquals(LagSource.SERVER_REPORTED, o.lagSource());
    }

    @Test
    void shouldSayAMemberWithoutMajorityIsNotViable() {
        List<Map<String, String>> members = Captured.rows("mysql8-gr-members.txt").stream().map(m -> {
            Map<String, String> copy = new HashMap<>(m);
            if ("gr-1".equals(copy.get("MEMBER_HOST"))) {
                copy.put("MEMBER_STATE", "UNREACHABLE");
            }
            return (Map<String, String>) copy;
        }).toList();
        var gr = GroupReplicationReader.read(Captured.variables("mysql8-gr-variables.txt"), members);
        assertFalse(gr.viable());
    }

    @Test
    void shouldReadGaleraStateAndItsSwitches() {
        Map<String, String> vars = Map.of("version", "10.11.19-MariaDB-0+deb12u1", "wsrep_on", "ON",
                "wsrep_desync", "ON", "wsrep_reject_queries", "ALL", "read_only", "OFF");
        Map<String, String> status = Map.of("wsrep_local_state", "2", "wsrep_local_state_comment", "Donor/Desynced",
                "wsrep_cluster_status", "Primary", "wsrep_cluster_size", "3", "wsrep_local_recv_queue", "7",
                "wsrep_ready", "ON", "wsrep_connected", "ON", "wsrep_flow_control_paused", "0.125");
        GaleraState g = ObservationAssembler.reachable(HEADER, TARGET, new Readings(vars, status, List.of(), null,
                List.of(), List.of()), 1, null).galera();
        assertEquals(new GaleraState(2, "Donor/Desynced", "Primary", 3, true, "ALL", 7, true, true, 0.125), g);
    }

    @Test
    void shouldPreferHeartbeatLagOverSecondsBehind() {
        NodeHealthObserved o = ObservationAssembler.reachable(HEADER, TARGET, readings("mariadb-replica-variables.txt",
                null, "mariadb-replica-slave-status.txt"), 300, 1234L);
        assertEquals(1234L, o.lagMillis());
        assertEquals(LagSource.HEARTBEAT, o.lagSource());
    }

    @Test
    void shouldRefuseAReplicaStatusWithoutTheColumnsItNeeds() {
        Map<String, String> row = new HashMap<>(Captured.rows("mariadb-replica-slave-status.txt").getFirst());
        row.remove("Slave_IO_Running");
        Readings r = new Readings(Captured.variables("mariadb-replica-variables.txt"), Map.of(), List.of(row), null,
                List.of(), List.of());
        var e = assertThrows(UnexpectedResultException.class,
                () -> ObservationAssembler.reachable(HEADER, TARGET, r, 1, null));
        assertTrue(e.getMessage().contains("no column Slave_IO_Running"), e.getMessage());
    }

    @Test
    void shouldCarryOnlyTheFailureForAnUnreachableNode() {
        var failure = new ProbeFailure(ProbeFailure.Reason.REFUSED, null, "connection refused");
        NodeHealthObserved o = ObservationAssembler.unreachable(HEADER, TARGET, failure, 150);
        assertFalse(o.reachable());
        assertEquals(failure, o.failure());
        assertNull(o.flavour());
        assertNull(o.readOnly());
    }

    @Test
    void shouldAskForTheSameVariablesWhateverTheFlavourConcerns() {
        assertTrue(ObservationAssembler.variables(Flavour.MARIADB).containsAll(List.of("gtid_current_pos",
                "rpl_semi_sync_master_enabled", "wsrep_desync", "read_only")));
        assertTrue(ObservationAssembler.variables(Flavour.MYSQL).containsAll(List.of("gtid_executed", "server_uuid",
                "super_read_only", "group_replication_group_name")));
    }
}
