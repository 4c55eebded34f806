package io.mysqlha.failover.io;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.failover.core.AdminGrants;

import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.GtidPosition;

import java.time.Duration;

/** The SQL of fencing, promoting and re-pointing, one implementation per flavour (DESIGN decision 4). */
public interface PromotionDialect {
    /**
     * Transactions clients hold open. InnoDB also lists transactions of no client connection (found here: one open
     * on a MariaDB primary from its start), which no drain can wait out.
     */
    String CLIENT_TRANSACTIONS = "SELECT t.trx_id FROM information_schema.innodb_trx t JOIN information_schema.processlist p"
            + " ON p.ID = t.trx_mysql_thread_id WHERE p.COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Slave_IO',"
            + " 'Slave_SQL', 'Slave_worker') AND p.ID <> CONNECTION_ID()";

    static PromotionDialect of(Flavour flavour) {
        return switch (flavour) {
            case MARIADB -> new MariaDbPromotion();
            case MYSQL -> new MysqlPromotion();
        };
    }

    Flavour flavour();

    ReplicaReading read(NodeSql sql);

    /** read_only ON (and super_read_only where the server has it): no client without an admin right writes. */
    void fence(NodeSql sql);

    void unfence(NodeSql sql);

    /**
     * Lets the admin account write while read_only stays ON for everyone else (the epoch is written before the
     * node takes writes): nothing on MariaDB, whose read_only never held an admin back; super_read_only OFF on MySQL.
     */
    void allowAdminWrites(NodeSql sql);

    /** Waits until the node applied {@code position}; false when it did not within {@code timeout}. */
    boolean waitApplied(NodeSql sql, GtidPosition position, Duration timeout);

    /** Stops replication and forgets the source. */
    void stopReplication(NodeSql sql);

    /**
     * Replicates from {@code source} by GTID. {@code fromOwnBinlog}: the node continues from what its own binlog
     * holds (an old primary rejoining, whose replication position is stale or empty).
     */
    void pointAt(NodeSql sql, NodeSpec source, ClusterCredentials creds, boolean fromOwnBinlog);

    void semiSyncSource(NodeSql sql, boolean enabled);

    /** Semi-sync replicas connected to this node as a source. */
    int semiSyncClients(NodeSql sql);

    /** Ids of the client transactions open on the node, which a switchover lets finish before it fences. */
    default java.util.Set<String> openTransactions(NodeSql sql) {
        return sql.rows(CLIENT_TRANSACTIONS).stream().map(r -> r.get("trx_id"))
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Who holds these transactions open, and since when, for the decision log. */
    default String describeTransactions(NodeSql sql, java.util.Set<String> ids) {
        return sql.rows("SELECT t.trx_id, t.trx_started, t.trx_state, p.USER, p.COMMAND FROM"
                        + " information_schema.innodb_trx t LEFT JOIN information_schema.processlist p"
                        + " ON p.ID = t.trx_mysql_thread_id").stream().filter(r -> ids.contains(r.get("trx_id")))
                .map(r -> r.get("trx_id") + " of " + r.get("USER") + " (" + r.get("trx_state") + ", "
                        + r.get("COMMAND") + ", since " + r.get("trx_started") + ")")
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /** The node's own transactions that {@code source} does not have (errant ones), empty when none. */
    java.util.Optional<String> missingOn(NodeSql source, ReplicaReading mine);

    /** What promotions need on the mysqlha schema: the epoch table created, read and replaced. */
    java.util.List<AdminGrants.Requirement> EPOCH_TABLE = java.util.List.of(
            AdminGrants.Requirement.schema("the mysqlha.epoch table a promotion creates", "CREATE"),
            AdminGrants.Requirement.schema("reading the epoch a promotion checks", "SELECT"),
            AdminGrants.Requirement.schema("writing a promotion's epoch (REPLACE)", "INSERT"),
            AdminGrants.Requirement.schema("writing a promotion's epoch (REPLACE)", "DELETE"));

    /**
     * What the admin account must hold on each node for this flavour's recoveries of a cluster of {@code kind};
     * empty for kinds whose recoveries are not failover's (Galera, Aurora).
     */
    java.util.List<AdminGrants.Requirement> adminRequirements(ClusterKind kind);

    /** Sets a session so its own writes do not reach the binlog (fixing up one node alone). */
    default String sessionNoBinlog() {
        return "SET SESSION sql_log_bin=0";
    }
}
