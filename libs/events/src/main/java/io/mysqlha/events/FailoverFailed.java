package io.mysqlha.events;

/**
 * @param step   the step that failed, or "election" when no candidate qualified
 * @param reason what went wrong and what an operator should do
 */
@EventDoc("A failover or switchover stopped without completing; the cluster may need an operator.")
public record FailoverFailed(EventHeader header, String failoverId, FailoverKind kind, String step,
                             String reason) implements Event {
}
