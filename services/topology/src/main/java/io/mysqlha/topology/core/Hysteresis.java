package io.mysqlha.topology.core;

import io.mysqlha.domain.ProbePolicy;

import java.time.Duration;

/**
 * How many observations it takes to change a node's state, so nodes do not flap: offline after {@code downAfter}
 * consecutive bad observations (or none for {@code staleAfter}), back after {@code upAfter} consecutive good ones.
 * The same counts apply to lag shunning.
 */
public record Hysteresis(int downAfter, int upAfter, Duration staleAfter) {
    public static final Hysteresis DEFAULTS = of(ProbePolicy.DEFAULTS);

    public Hysteresis {
        if (downAfter < 1 || upAfter < 1 || staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("down_after and up_after >= 1, stale_after > 0");
        }
    }

    /** The counts a cluster's spec sets (probe.down_after, probe.up_after, probe.stale_after_ms). */
    public static Hysteresis of(ProbePolicy probe) {
        return new Hysteresis(probe.downAfter(), probe.upAfter(), Duration.ofMillis(probe.staleAfterMs()));
    }
}
