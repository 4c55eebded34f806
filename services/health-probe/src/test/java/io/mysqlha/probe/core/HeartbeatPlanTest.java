package io.mysqlha.probe.core;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeartbeatPlanTest {

    private static Map<String, String> vars(String file, String... overrides) {
        Map<String, String> v = new HashMap<>(Captured.variables(file));
        for (int i = 0; i < overrides.length; i += 2) {
            v.put(overrides[i], overrides[i + 1]);
        }
        return v;
    }

    @Test
    void shouldWriteOnAWritablePrimaryWhicheverWayTheServerSpellsIt() {
        assertEquals(new HeartbeatPlan.Write(), HeartbeatPlan.decide(true, vars("mariadb-primary-variables.txt"), List.of()));
        // @@global.read_only prints 0, SHOW VARIABLES prints OFF: the same writable node
        assertEquals(new HeartbeatPlan.Write(),
                HeartbeatPlan.decide(true, vars("mariadb-primary-variables.txt", "read_only", "0"), List.of()));
        assertEquals(new HeartbeatPlan.None(), HeartbeatPlan.decide(true,
                vars("mariadb-primary-variables.txt", "read_only", "0", "super_read_only", "1"), List.of()));
    }

    @Test
    void shouldReadTheSourcesRowOnAReplica() {
        assertEquals(new HeartbeatPlan.Read("127.0.0.1", 3307), HeartbeatPlan.decide(true,
                vars("mariadb-replica-variables.txt"), Captured.rows("mariadb-replica-slave-status.txt")));
        assertEquals(new HeartbeatPlan.Read("mysql-primary", 3306), HeartbeatPlan.decide(true,
                vars("mysql8-replica-variables.txt"), Captured.rows("mysql8-replica-replica-status.txt")));
    }

    @Test
    void shouldFollowTheDefaultChannelOfAMultiSourceReplica() {
        Map<String, String> other = new HashMap<>(Captured.rows("mariadb-replica-slave-status.txt").getFirst());
        other.put("Connection_name", "reporting");
        other.put("Master_Port", "4406");
        Map<String, String> main = new HashMap<>(Captured.rows("mariadb-replica-slave-status.txt").getFirst());
        main.put("Connection_name", "");
        assertEquals(new HeartbeatPlan.Read("127.0.0.1", 3307),
                HeartbeatPlan.decide(true, vars("mariadb-replica-variables.txt"), List.of(other, main)));
    }

    @Test
    void shouldDoNothingWhereHeartbeatsDoNotApply() {
        assertEquals(new HeartbeatPlan.None(), HeartbeatPlan.decide(false, vars("mariadb-primary-variables.txt"), List.of()));
        assertEquals(new HeartbeatPlan.None(),
                HeartbeatPlan.decide(true, vars("mariadb-primary-variables.txt", "wsrep_on", "ON"), List.of()));
        assertEquals(new HeartbeatPlan.None(), HeartbeatPlan.decide(true, vars("mysql8-gr-variables.txt",
                "read_only", "OFF", "super_read_only", "OFF"), List.of()));
        assertEquals(new HeartbeatPlan.None(),
                HeartbeatPlan.decide(true, vars("mariadb-replica-variables.txt"), List.of()), "read-only, replicating nothing");
    }
}
