package io.mysqlha.testsupport;

import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.ReplicationTopology;
import io.mysqlha.testsupport.servers.Sql;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationTopologyIT {
    private static final Duration REPLICATED = Duration.ofSeconds(30);

    @Test
    void shouldReplicateASemiSyncGtidTopologyWithAReadOnlyReplicas() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection p = t.primary().connect(t.users().admin())) {
            assertEquals("0", Sql.value(p, "SELECT @@read_only").orElseThrow());
            assertEquals("ON", Sql.status(p, "Rpl_semi_sync_master_status"));
            assertEquals("2", Sql.status(p, "Rpl_semi_sync_master_clients"));
            Sql.execute(p, "CREATE TABLE IF NOT EXISTS app.t1 (id INT PRIMARY KEY, v VARCHAR(20))",
                    "REPLACE INTO app.t1 VALUES (1, 'one')");
            assertTrue(Long.parseLong(Sql.status(p, "Rpl_semi_sync_master_yes_tx")) >= 2, "writes were acknowledged");
        }
        t.awaitReplicated(REPLICATED);
        for (MariaDbNode r : t.replicas()) {
            try (Connection c = r.connect(t.users().admin())) {
                assertEquals("1", Sql.value(c, "SELECT @@read_only").orElseThrow());
                assertEquals("one", Sql.value(c, "SELECT v FROM app.t1 WHERE id = 1").orElseThrow());
                Map<String, String> status = Sql.rows(c, "SHOW SLAVE STATUS").getFirst();
                assertEquals("Slave_Pos", status.get("Using_Gtid"));
                assertEquals(Integer.toString(t.primary().port()), status.get("Master_Port"));
                assertEquals("ON", Sql.status(c, "Rpl_semi_sync_slave_status"));
            }
        }
    }

    @Test
    void shouldNeverLetTheApplicationUserWriteOnAReplica() throws Exception {
        ReplicationTopology t = SharedInfra.replicationTopology();
        try (Connection c = t.replicas().getFirst().connect(t.users().app())) {
            SQLException e = assertThrows(SQLException.class, () -> Sql.execute(c, "CREATE TABLE app.errant (id INT)"));
            assertEquals(1290, e.getErrorCode(), e.getMessage()); // ER_OPTION_PREVENTS_STATEMENT (read-only)
        }
    }

    @Test
    void shouldInjectEachFaultAndRecover() throws Exception {
        // Its own topology: these faults must not disturb tests sharing the JVM's topology.
        try (ReplicationTopology t = ReplicationTopology.startForTests(SharedInfra.dir("faults"), 2)) {
            MariaDbNode replica = t.replicas().getFirst();
            try (Connection p = t.primary().connect(t.users().admin())) {
                Sql.execute(p, "CREATE TABLE app.f (id INT PRIMARY KEY)");

                replica.kill();
                assertFalse(replica.isRunning());
                assertThrows(SQLException.class, () -> replica.connect(t.users().admin()).close());
                Sql.execute(p, "INSERT INTO app.f VALUES (1)");
                t.restart(replica);
                t.awaitReplicated(REPLICATED); // restarted after kill -9, it resumes from its own GTID position

                replica.stop();
                assertFalse(replica.isRunning());
                Sql.execute(p, "INSERT INTO app.f VALUES (2)");
                t.restart(replica);
                t.awaitReplicated(REPLICATED);

                replica.freeze();
                try {
                    assertTrue(replica.isRunning(), "a frozen server is alive");
                    SQLException frozen = assertThrows(SQLException.class,
                            () -> Sql.connect(replica.host(), replica.port(), t.users().admin(), 500).close());
                    assertTrue(frozen instanceof SQLTransientConnectionException
                            || frozen.getMessage().toLowerCase().contains("timeout")
                            || frozen.getMessage().toLowerCase().contains("timed out"), frozen.getMessage());
                } finally {
                    replica.thaw();
                }
                Sql.execute(p, "INSERT INTO app.f VALUES (3)");
                t.awaitReplicated(REPLICATED);
                try (Connection r = replica.connect(t.users().admin())) {
                    assertEquals("3", Sql.value(r, "SELECT COUNT(*) FROM app.f").orElseThrow());
                    assertTrue(MariaDbGtidPosition.parse(Sql.value(r, "SELECT @@gtid_current_pos").orElseThrow())
                            .contains(MariaDbGtidPosition.parse(Sql.value(p, "SELECT @@gtid_binlog_pos").orElseThrow())));
                }
            }
            t.primary().kill();
            assertFalse(t.primary().isRunning());
        }
    }
}
