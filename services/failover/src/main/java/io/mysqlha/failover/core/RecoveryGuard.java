package io.mysqlha.failover.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Anti-flapping for one cluster: one recovery in flight at a time, and no second promotion within the block
 * window after one (Orchestrator's RecoveryPeriodBlockSeconds), unless an operator acknowledged it. Smaller
 * recoveries (fencing, rejoining a node) only wait for the one in flight. Time from the injected clock.
 */
public final class RecoveryGuard {
    private final Clock clock;
    private final Duration blockWindow;
    private final Duration retryAfterFailure;
    private String inFlight;
    private Instant lastPromotionFailed;
    private Instant lastPromotionEnded;
    private String lastPromotion;

    /** @param retryAfterFailure a failed promotion may be tried again (another candidate, say) after this */
    public RecoveryGuard(Clock clock, Duration blockWindow, Duration retryAfterFailure) {
        this.clock = clock;
        this.blockWindow = blockWindow;
        this.retryAfterFailure = retryAfterFailure;
    }

    /** Why {@code recovery} may not start now, or empty when it may (and then it is in flight). */
    public synchronized Optional<String> tryStart(String recoveryId, Recovery recovery) {
        if (inFlight != null) {
            return Optional.of("recovery " + inFlight + " is in flight");
        }
        if (recovery == Recovery.PROMOTE && lastPromotionEnded != null) {
            Instant until = lastPromotionEnded.plus(blockWindow);
            if (clock.instant().isBefore(until)) {
                return Optional.of("blocked until " + until + " by recovery " + lastPromotion + " (block window "
                        + blockWindow.toSeconds() + " s; acknowledge it to clear)");
            }
        }
        if (recovery == Recovery.PROMOTE && lastPromotionFailed != null
                && clock.instant().isBefore(lastPromotionFailed.plus(retryAfterFailure))) {
            return Optional.of("the last promotion failed at " + lastPromotionFailed + "; next attempt after "
                    + lastPromotionFailed.plus(retryAfterFailure));
        }
        inFlight = recoveryId;
        return Optional.empty();
    }

    /**
     * A recovery begun earlier (by a predecessor, or a failed attempt) continues: only one in flight holds it back,
     * never the block window or the retry delay, which are meant for new recoveries.
     */
    public synchronized Optional<String> tryResume(String recoveryId) {
        if (inFlight != null) {
            return Optional.of("recovery " + inFlight + " is in flight");
        }
        inFlight = recoveryId;
        return Optional.empty();
    }

    /**
     * The recovery ended. A completed automatic promotion starts the block window; a failed one only delays the
     * next attempt (a cluster with no writer must not wait 30 s because a candidate died mid-promotion).
     */
    public synchronized void ended(String recoveryId, Recovery recovery, boolean completed) {
        if (recoveryId.equals(inFlight)) {
            inFlight = null;
        }
        if (recovery == Recovery.PROMOTE && completed) {
            lastPromotionEnded = clock.instant();
            lastPromotion = recoveryId;
            lastPromotionFailed = null;
        } else if (recovery == Recovery.PROMOTE) {
            lastPromotionFailed = clock.instant();
        }
    }

    /** A promotion restored from the log (another instance ran it) still blocks the window from its end. */
    public synchronized void promotionEndedAt(String recoveryId, Instant at) {
        if (lastPromotionEnded == null || at.isAfter(lastPromotionEnded)) {
            lastPromotionEnded = at;
            lastPromotion = recoveryId;
        }
    }

    /** An operator acknowledged: the window is cleared. */
    public synchronized void acknowledge() {
        lastPromotionEnded = null;
        lastPromotionFailed = null;
    }

}
