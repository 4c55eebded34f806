package io.mysqlha.failover.core;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which recovery of one cluster starts now, given this round's analyses: the first one with a recovery that is
 * not backed off, not about a node whose state is unseen since it was repaired, not a rejoin already refused for
 * the same errant position, and that the guard lets start. Pure: time comes with each call; no I/O.
 */
public final class RecoveryScheduler {

    /** A recovery to start now, with its id. */
    public record Start(String id, RecoveryPlan plan) {
    }

    /** What this round decided: at most one start, and the recoveries the guard held back (with its reason). */
    public record Decision(Optional<Start> start, Map<Analysis, String> blocked) {
    }

    private final RecoveryGuard guard;
    private final Duration smallBackoff;
    private final boolean rejoin;
    private final Map<String, Instant> retryAt = new HashMap<>();
    private final Map<String, Instant> actedOn = new HashMap<>();
    private final Map<String, String> refused = new HashMap<>();

    /**
     * @param smallBackoff a fence or rejoin that failed is tried again after this
     * @param rejoin       policy: returning and disconnected nodes are rejoined automatically
     */
    public RecoveryScheduler(RecoveryGuard guard, Duration smallBackoff, boolean rejoin) {
        this.guard = guard;
        this.smallBackoff = smallBackoff;
        this.rejoin = rejoin;
    }

    public RecoveryPlan plan(Analysis a) {
        return RecoveryPlanner.plan(a, rejoin);
    }

    public Decision next(List<Analysis> found, ClusterSnapshot s, Instant now, Supplier<String> ids) {
        Map<Analysis, String> blocked = new HashMap<>();
        for (Analysis a : found) {
            RecoveryPlan plan = plan(a);
            if (plan.recovery() == Recovery.NONE || backedOff(a, now) || unseenSinceRepair(a, plan, s)
                    || refusedAgain(a, plan, s)) {
                continue;
            }
            String id = plan.recovery().label() + "-" + ids.get();
            Optional<String> why = guard.tryStart(id, plan.recovery());
            if (why.isPresent()) {
                blocked.put(a, why.get());
                continue;
            }
            return new Decision(Optional.of(new Start(id, plan)), blocked);
        }
        return new Decision(Optional.empty(), blocked);
    }

    /**
     * A fence or rejoin ended. A failed one waits {@code smallBackoff}; a rejoin refused for errant transactions is
     * not tried again while the node stays at {@code refusedAt} (its own position then).
     */
    public void smallEnded(Start start, boolean succeeded, String refusedAt, Instant now) {
        Analysis a = start.plan().analysis();
        guard.ended(start.id(), start.plan().recovery(), succeeded);
        actedOn.put(a.nodeId(), now);
        if (succeeded) {
            retryAt.remove(a.key());
            refused.remove(a.nodeId());
        } else if (refusedAt != null) {
            refused.put(a.nodeId(), refusedAt);
        } else {
            retryAt.put(a.key(), now.plus(smallBackoff));
        }
    }

    /** Nodes left out for errant transactions, and the position they were refused at. */
    public Map<String, String> refused() {
        return Map.copyOf(refused);
    }

    private boolean backedOff(Analysis a, Instant now) {
        Instant retry = retryAt.get(a.key());
        return retry != null && now.isBefore(retry);
    }

    /** Observed last before it was repaired: the problem may be the state the repair changed. */
    private boolean unseenSinceRepair(Analysis a, RecoveryPlan plan, ClusterSnapshot s) {
        Instant acted = a.nodeId() == null ? null : actedOn.get(a.nodeId());
        if (acted == null || plan.recovery() == Recovery.PROMOTE) {
            return false;
        }
        NodeView v = s.nodes().get(a.nodeId());
        return v == null || v.latest() == null || !v.latest().header().time().isAfter(acted);
    }

    /** Refused before, and its own transactions have not changed since: the answer would be the same. */
    private boolean refusedAgain(Analysis a, RecoveryPlan plan, ClusterSnapshot s) {
        String at = plan.recovery() == Recovery.REJOIN ? refused.get(a.nodeId()) : null;
        if (at == null) {
            return false;
        }
        NodeView v = s.nodes().get(a.nodeId());
        String now = v == null ? null : FailureAnalyzer.ownTransactions(v.lastGood()).map(Object::toString).orElse(null);
        if (at.equals(now)) {
            return true;
        }
        refused.remove(a.nodeId()); // an operator removed (or the node gained) transactions: look again
        return false;
    }
}
