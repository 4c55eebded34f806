package io.mysqlha.events;

import java.time.Duration;
import java.util.List;

/**
 * Every topic of the suite, its settings and the events it carries. Names get a prefix from {@link Topics}.
 * Key = cluster id on all of them, so 12 partitions spread clusters over up to 12 owners per service.
 */
public enum Topic {
    CLUSTERS("clusters", true, null, "The fleet's desired configuration: one ClusterSpec per cluster.",
            List.of(ClusterSpecDefined.class)),
    HEALTH("health", false, Duration.ofDays(1), "Every probe of every node.",
            List.of(NodeHealthObserved.class)),
    TOPOLOGY("topology", true, null, "Writer/reader assignments per cluster, the latest one per key kept; a"
            + " tombstone when a cluster is removed. Published in Kafka transactions: read with"
            + " isolation.level=read_committed.", List.of(TopologyChanged.class)),
    FAILOVER("failover", false, Duration.ofDays(90), "Failover and switchover decisions and steps: the audit log.",
            List.of(FailoverStarted.class, FailoverStepCompleted.class, FailoverCompleted.class,
                    FailoverFailed.class, FailureAnalyzed.class)),
    COMMANDS("commands", false, Duration.ofDays(7), "Operator requests.",
            List.of(SwitchoverRequested.class, RecoveryBlockAcknowledged.class)),
    BACKUP("backup", false, Duration.ofDays(90), "Dumps, verifications and archived binlog segments.",
            List.of(BackupStarted.class, BackupCompleted.class, BackupFailed.class, BackupVerified.class,
                    BinlogSegmentArchived.class)),
    ALERTS("alerts", false, Duration.ofDays(30), "Alerts for any alerting consumer, as raised/resolved pairs with"
            + " a stable alertId. Topology publishes its alerts in Kafka transactions: read with"
            + " isolation.level=read_committed.",
            List.of(AlertRaised.class, AlertResolved.class)),
    DEAD_LETTER("dead-letter", false, Duration.ofDays(30),
            "Records a consumer refused (malformed, unknown type, newer major schema), with the reason in headers.",
            List.of());

    public static final int PARTITIONS = 12;

    private final String suffix;
    private final boolean compacted;
    private final Duration retention;
    private final String description;
    private final List<Class<? extends Event>> events;

    Topic(String suffix, boolean compacted, Duration retention, String description,
          List<Class<? extends Event>> events) {
        this.suffix = suffix;
        this.compacted = compacted;
        this.retention = retention;
        this.description = description;
        this.events = events;
    }

    public String suffix() {
        return suffix;
    }

    public boolean compacted() {
        return compacted;
    }

    /** How long records are kept; null on compacted topics, which keep the latest record per key. */
    public Duration retention() {
        return retention;
    }

    public String description() {
        return description;
    }

    public List<Class<? extends Event>> events() {
        return events;
    }

    /** The topic an event type is published on. */
    public static Topic of(Class<? extends Event> type) {
        for (Topic t : values()) {
            if (t.events.contains(type)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no topic carries " + type.getSimpleName());
    }
}
