package io.mysqlha.events;

/**
 * @param failoverId id shared by every event of this recovery
 * @param problem    the analysis that triggered it, e.g. DeadPrimary
 * @param oldPrimary node id of the primary being replaced
 * @param candidate  node id elected to become primary
 * @param epoch      the epoch the candidate will start
 * @param dryRun     true when the failover service only says what it would do
 */
@EventDoc("The failover service began replacing a cluster's primary.")
public record FailoverStarted(EventHeader header, String failoverId, FailoverKind kind, String problem,
                              String oldPrimary, String candidate, long epoch, boolean dryRun) implements Event {
}
