package io.mysqlha.failover.io;

import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.domain.ClusterKind;
import io.mysqlha.failover.core.AdminGrants;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.service.DbCredentials;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** MariaDB 10.x: SHOW SLAVE STATUS, gtid_current_pos / gtid_binlog_pos, MASTER_GTID_WAIT, MASTER_USE_GTID. */
final class MariaDbPromotion implements PromotionDialect {
    private static final Duration SLOW = Duration.ofSeconds(30);

    /** MariaDB 10.5's split of SUPER, each with SUPER as the alternative. */
    @Override
    public List<AdminGrants.Requirement> adminRequirements(ClusterKind kind) {
        if (!kind.usesPrimaryReplicaReplication()) {
            return List.of();
        }
        List<AdminGrants.Requirement> required = new java.util.ArrayList<>(List.of(
                AdminGrants.Requirement.global("SET GLOBAL read_only (fencing and promotion)", "READ_ONLY ADMIN", "SUPER"),
                AdminGrants.Requirement.global("STOP/START SLAVE, CHANGE MASTER TO and gtid_slave_pos (re-pointing"
                        + " replicas)", "REPLICATION SLAVE ADMIN", "SUPER"),
                AdminGrants.Requirement.global("seeing other sessions' transactions (a switchover's drain)", "PROCESS")));
        if (kind == ClusterKind.SEMI_SYNC) {
            required.add(AdminGrants.Requirement.global("SET GLOBAL rpl_semi_sync_master_enabled (a new primary's"
                    + " semi-sync)", "REPLICATION MASTER ADMIN", "SUPER"));
        }
        required.addAll(EPOCH_TABLE);
        return required;
    }

    @Override
    public Flavour flavour() {
        return Flavour.MARIADB;
    }

    @Override
    public ReplicaReading read(NodeSql sql) {
        Map<String, String> vars = sql.rows("SELECT @@gtid_current_pos AS current_pos, @@gtid_binlog_pos AS binlog_pos,"
                + " @@read_only AS ro").getFirst();
        MariaDbGtidPosition applied = MariaDbGtidPosition.parse(vars.get("current_pos"));
        MariaDbGtidPosition own = MariaDbGtidPosition.parse(vars.get("binlog_pos"));
        boolean readOnly = "1".equals(vars.get("ro")) || "ON".equalsIgnoreCase(vars.get("ro"));
        List<Map<String, String>> status = sql.rows("SHOW SLAVE STATUS");
        if (status.isEmpty()) {
            return new ReplicaReading(null, null, false, false, applied.union(own), applied, own, null, readOnly);
        }
        Map<String, String> s = status.getFirst();
        MariaDbGtidPosition io = MariaDbGtidPosition.parse(s.get("Gtid_IO_Pos"));
        String lag = s.get("Seconds_Behind_Master");
        return new ReplicaReading(s.get("Master_Host"), Integer.valueOf(s.get("Master_Port")),
                "Yes".equals(s.get("Slave_IO_Running")), "Yes".equals(s.get("Slave_SQL_Running")),
                io.union(applied), applied, own, lag == null ? null : Long.valueOf(lag), readOnly);
    }

    @Override
    public void fence(NodeSql sql) {
        sql.execute("SET GLOBAL read_only=ON");
    }

    @Override
    public void allowAdminWrites(NodeSql sql) {
        // read_only never held back an account with READ ONLY ADMIN (SUPER): nothing to lower
    }

    @Override
    public void unfence(NodeSql sql) {
        sql.execute("SET GLOBAL read_only=OFF");
    }

    @Override
    public boolean waitApplied(NodeSql sql, GtidPosition position, Duration timeout) {
        if (position.isEmpty()) {
            return true;
        }
        // MASTER_GTID_WAIT answers 0 once gtid_slave_pos reached the position, -1 at its own timeout
        String answer = sql.value("SELECT MASTER_GTID_WAIT('" + position + "', " + timeout.toMillis() / 1000.0 + ")",
                timeout.plusSeconds(2)).orElse("-1");
        return "0".equals(answer);
    }

    @Override
    public void stopReplication(NodeSql sql) {
        sql.executeSlow("STOP SLAVE", SLOW);
        sql.execute("RESET SLAVE ALL");
    }

    @Override
    public void pointAt(NodeSql sql, NodeSpec source, ClusterCredentials creds, boolean fromOwnBinlog) {
        DbCredentials replication = creds.replication();
        sql.executeSlow("STOP SLAVE", SLOW);
        if (fromOwnBinlog) {
            // measured here: an old primary's gtid_slave_pos is stale or empty; from it the new primary would be
            // asked for transactions the node already has (or purged ones: error 1236)
            sql.execute("SET GLOBAL gtid_slave_pos=@@gtid_binlog_pos");
        }
        sql.executeSecret("CHANGE MASTER TO MASTER_HOST='" + quote(source.host()) + "', MASTER_PORT=" + source.port()
                + ", MASTER_USER='" + quote(replication.user()) + "', MASTER_PASSWORD='"
                + quote(replication.password().reveal()) + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1"
                + replicationTls("MASTER_SSL", creds.tls().mode()),
                "CHANGE MASTER TO " + source.address() + " as " + replication.user());
        sql.execute("START SLAVE");
    }

    /**
     * The replication channel's TLS for the cluster's mode: on when TLS is required (the CA cannot be checked there: it
     * would be a file on the replica's host, which the replica's own {@code MASTER_SSL_CA} names), off when disabled,
     * and as the server's default (or as it was) when preferred.
     */
    static String replicationTls(String option, io.mysqlha.domain.TlsMode mode) {
        if (mode.required()) {
            return ", " + option + "=1";
        }
        return mode == io.mysqlha.domain.TlsMode.DISABLED ? ", " + option + "=0" : "";
    }

    /**
     * MariaDB positions keep one GTID per domain, so 0-1-101 looks contained in 0-2-150 although server 2 never had
     * server 1's transaction 101. The source's {@code gtid_binlog_state} keeps the last GTID of every server per
     * domain: each of the node's own last GTIDs must be at most the source's last one from the same server.
     */
    @Override
    public Optional<String> missingOn(NodeSql source, ReplicaReading mine) {
        String state = source.value("SELECT @@gtid_binlog_state").orElse("");
        Map<String, Long> last = new java.util.HashMap<>();
        for (String entry : state.split(",")) {
            String[] p = entry.strip().split("-");
            if (p.length == 3) {
                last.merge(p[0] + "-" + p[1], Long.parseLong(p[2]), Math::max);
            }
        }
        List<String> missing = new java.util.ArrayList<>();
        for (MariaDbGtidPosition.Gtid g : ((MariaDbGtidPosition) mine.own()).byDomain().values()) {
            long theirs = last.getOrDefault(g.domain() + "-" + g.serverId(), 0L);
            if (g.seq() > theirs) {
                missing.add(g + " (the source's last from server " + g.serverId() + " is " + (theirs == 0 ? "none"
                        : g.domain() + "-" + g.serverId() + "-" + theirs) + ")");
            }
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", missing));
    }

    @Override
    public void semiSyncSource(NodeSql sql, boolean enabled) {
        sql.execute("SET GLOBAL rpl_semi_sync_master_enabled=" + (enabled ? "ON" : "OFF"));
    }

    @Override
    public int semiSyncClients(NodeSql sql) {
        return sql.rows("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'").stream().findFirst()
                .map(r -> Integer.parseInt(r.get("Value"))).orElse(0);
    }

    static String quote(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }
}
