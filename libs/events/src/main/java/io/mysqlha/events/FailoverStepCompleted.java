package io.mysqlha.events;

/**
 * @param step           fence, wait-applied, stop-replication, enable-semi-sync, write-epoch, read-write, re-point...
 * @param durationMillis how long the step took
 * @param detail         what the step did, for the decision log
 */
@EventDoc("One idempotent step of a failover or switchover finished.")
public record FailoverStepCompleted(EventHeader header, String failoverId, String step, long durationMillis,
                                    String detail) implements Event {
}
