package io.mysqlha.failover.core;

/** A recovery chosen for an analysis, or none with the reason. */
public record RecoveryPlan(Analysis analysis, Recovery recovery, String reason) {
}
