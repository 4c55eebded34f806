package io.mysqlha.testsupport;

import io.mysqlha.testsupport.servers.GaleraCluster;
import io.mysqlha.testsupport.servers.MariaDbNode;
import io.mysqlha.testsupport.servers.Sql;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GaleraClusterIT {

    @Test
    void shouldFormASyncedClusterSurviveAKilledNodeAndRejoinItByIst() throws Exception {
        GaleraCluster g = SharedInfra.galera();
        MariaDbNode first = g.nodes().get(0);
        MariaDbNode second = g.nodes().get(1);
        MariaDbNode third = g.nodes().get(2);
        for (MariaDbNode n : g.nodes()) {
            try (Connection c = n.connect(g.users().admin())) {
                assertEquals("4", Sql.status(c, "wsrep_local_state"), n.name());
                assertEquals("Synced", Sql.status(c, "wsrep_local_state_comment"));
                assertEquals("3", Sql.status(c, "wsrep_cluster_size"));
            }
        }
        try (Connection c = first.connect(g.users().admin())) {
            Sql.execute(c, "CREATE TABLE app.g (id INT PRIMARY KEY)", "INSERT INTO app.g VALUES (1)");
        }

        second.kill();
        try (Connection c = third.connect(g.users().admin())) {
            // evs.suspect_timeout is 5 s: the survivors drop the dead node and stay the primary component.
            Waits.until("cluster size 2 after kill -9 of " + second, Duration.ofSeconds(60),
                    () -> "2".equals(Sql.status(c, "wsrep_cluster_size")));
            assertEquals("Primary", Sql.status(c, "wsrep_cluster_status"));
            Sql.execute(c, "INSERT INTO app.g VALUES (2)");
        }

        g.restartAfterCrash(second);
        try (Connection c = second.connect(g.users().admin())) {
            assertEquals("2", Sql.value(c, "SELECT COUNT(*) FROM app.g").orElseThrow());
            assertEquals("3", Sql.status(c, "wsrep_cluster_size"));
        }
    }

    @Test
    void shouldShowDesyncAndRejectQueriesInStatusWhileSelectOneStillAnswers() throws Exception {
        GaleraCluster g = SharedInfra.galera();
        MariaDbNode third = g.nodes().get(2);
        try (Connection c = third.connect(g.users().admin())) {
            Sql.execute(c, "SET GLOBAL wsrep_desync=ON");
            try {
                Waits.until("Donor/Desynced state", Duration.ofSeconds(30),
                        () -> "2".equals(Sql.status(c, "wsrep_local_state")));
            } finally {
                Sql.execute(c, "SET GLOBAL wsrep_desync=OFF");
            }
            g.awaitSynced(third, 3);
            Sql.execute(c, "SET GLOBAL wsrep_reject_queries=ALL");
            try (Connection other = third.connect(g.users().admin())) {
                assertEquals("1", Sql.value(other, "SELECT 1").orElseThrow());
                var e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                        () -> Sql.value(other, "SELECT COUNT(*) FROM mysql.user"));
                assertEquals(1047, e.getErrorCode(), e.getMessage());
            } finally {
                Sql.execute(c, "SET GLOBAL wsrep_reject_queries=NONE");
            }
        }
    }
}
