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
    private String inFlight;
    private Instant lastPromotionEnded;
    private String lastPromotion;

    public RecoveryGuard(Clock clock, Duration blockWindow) {
        this.clock = clock;
        this.blockWindow = blockWindow;
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
        inFlight = recoveryId;
        return Optional.empty();
    }

    /** The recovery ended (completed or failed); a promotion starts the block window. */
    public synchronized void ended(String recoveryId, Recovery recovery) {
        if (recoveryId.equals(inFlight)) {
            inFlight = null;
        }
        if (recovery == Recovery.PROMOTE) {
            lastPromotionEnded = clock.instant();
            lastPromotion = recoveryId;
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
    }

    public synchronized Optional<String> inFlight() {
        return Optional.ofNullable(inFlight);
    }
}
