package io.mysqlha.failover.kafka;

import io.mysqlha.failover.io.AdminAudit;

import io.mysqlha.events.FailoverStarted;
import io.mysqlha.failover.core.ClusterWatch;
import io.mysqlha.failover.core.RecoveryGuard;
import io.mysqlha.failover.core.RecoveryScheduler;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The owner's book of one cluster: what it watches, its guard and scheduler, recoveries begun and not ended (this
 * instance's or a predecessor's), nodes found errant, and the alerts it raised.
 * Touched only by the owner thread.
 */
final class ClusterDesk {
    final int partition;
    final ClusterWatch watch;
    final RecoveryGuard guard;
    final RecoveryScheduler scheduler;
    final Map<String, FailoverStarted> unfinished = new LinkedHashMap<>();
    final Set<String> errant = new HashSet<>();
    final Map<String, String> alerts = new HashMap<>();
    final Map<String, Instant> blockedLogged = new HashMap<>();
    String running;
    /** What is wrong with the admin account, by node; when to look again, and whether a look is under way. */
    final Map<String, AdminAudit.Finding> adminFindings = new HashMap<>();
    Instant auditDue = Instant.EPOCH;
    boolean auditing;
    /** A promotion that began and failed: the next attempt resumes it on the same candidate once. */
    PromotionRetry retry;

    record PromotionRetry(String failoverId, String oldPrimary, String candidate, long epoch) {
    }

    ClusterDesk(int partition, ClusterWatch watch, RecoveryGuard guard, RecoveryScheduler scheduler) {
        this.partition = partition;
        this.watch = watch;
        this.guard = guard;
        this.scheduler = scheduler;
    }
}
