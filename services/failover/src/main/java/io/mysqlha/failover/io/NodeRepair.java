package io.mysqlha.failover.io;

import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.Event;
import io.mysqlha.events.FailoverStepCompleted;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The small recoveries, one node each: fence a writable replica; fence a returning or disconnected node and make
 * it a replica of the primary when it has nothing the primary lacks. Each is one FailoverStepCompleted in the
 * decision log (with its own id); none holds the gateways' writes.
 */
public final class NodeRepair {
    private static final Logger LOG = Logger.getLogger(NodeRepair.class);

    /**
     * What a rejoin found: done, or refused because the node has transactions of its own.
     *
     * @param refusedAt the node's own position when refused (null when rejoined)
     */
    public record Rejoin(boolean rejoined, String refusedAt, String detail) {
    }

    private final RecoveryContext context;
    private final RecoverySettings settings;
    private final Consumer<Event> publish;

    public NodeRepair(RecoveryContext context) {
        this.context = context;
        this.settings = context.settings();
        this.publish = context.publish();
    }

    public String fence(String recoveryId, ClusterSpec spec, NodeSpec node) {
        long started = System.nanoTime();
        ClusterCredentials creds = ClusterCredentials.resolve(spec, context.secrets());
        try (NodeSql sql = context.connect(node, creds)) {
            RecoveryRunner.dialect(sql).fence(sql);
        }
        String detail = node.id() + " read_only=ON (it was writable beside the primary)";
        step(recoveryId, spec, "fence-replica", started, detail);
        return detail;
    }

    /**
     * Rejoins {@code node} under {@code primary}. It is fenced first. It may follow only if the primary has every
     * transaction it has ({@link PromotionDialect#missingOn}): an old primary killed mid-commit often holds one
     * that no replica received.
     */
    public Rejoin rejoin(String recoveryId, ClusterSpec spec, NodeSpec node, NodeSpec primary) {
        long started = System.nanoTime();
        ClusterCredentials creds = ClusterCredentials.resolve(spec, context.secrets());
        try (NodeSql sql = context.connect(node, creds);
             NodeSql p = context.connect(primary, creds)) {
            PromotionDialect dialect = RecoveryRunner.dialect(sql);
            ReplicaReading mine = dialect.read(sql);
            if (!mine.readOnly()) {
                dialect.fence(sql);
            }
            Optional<String> missing = dialect.missingOn(p, mine);
            if (missing.isPresent()) {
                String errant = node.id() + " has transactions " + primary.id() + " does not: " + missing.get();
                String detail = node.id() + " is read-only and left out: " + errant
                        + "; remove them (or rebuild the node) before it can replicate";
                step(recoveryId, spec, "rejoin-refused", started, detail);
                return new Rejoin(false, mine.own().toString(), detail);
            }
            dialect.pointAt(sql, primary, creds, mine.sourceHost() == null);
            String detail = node.id() + " (at " + mine.own() + ") replicates from " + primary.id();
            step(recoveryId, spec, "rejoin", started, detail);
            LOG.infof("cluster %s: %s", spec.clusterId(), detail);
            return new Rejoin(true, null, detail);
        }
    }

    private void step(String recoveryId, ClusterSpec spec, String name, long startedNanos, String detail) {
        publish.accept(new FailoverStepCompleted(context.header(FailoverStepCompleted.class, spec.clusterId()), recoveryId, name, (System.nanoTime() - startedNanos) / 1_000_000, detail));
    }
}
