package io.mysqlha.alerts.core;

import java.time.Duration;

/** How long to wait before the next delivery attempt: doubling from {@code first}, never longer than {@code max}. */
public record RetryDelay(Duration first, Duration max) {
    public RetryDelay {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("retry delays must be positive, the longest at least the first: "
                    + first.toMillis() + " ms, " + max.toMillis() + " ms");
        }
    }

    /** The wait after the {@code failures}-th failed attempt in a row (1 for the first). */
    public Duration after(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long millis = first.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
