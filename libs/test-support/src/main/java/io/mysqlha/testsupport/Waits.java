package io.mysqlha.testsupport;

import java.time.Duration;
import java.util.function.Supplier;

/** Waiting on a condition with a deadline, never sleeping and hoping. */
public final class Waits {
    private static final Duration POLL = Duration.ofMillis(50);

    private Waits() {
    }

    /** Polls until the condition holds; throws naming the condition and the last observation when it does not. */
    public static void until(String condition, Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "never evaluated";
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
                last = "false";
            } catch (Exception e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + condition
                        + " (last: " + last + ")");
            }
            pause();
        }
    }

    /** Polls until the supplier returns non-null. */
    public static <T> T forValue(String condition, Duration timeout, Supplier<T> supplier) {
        Object[] holder = new Object[1];
        until(condition, timeout, () -> (holder[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked") T value = (T) holder[0];
        return value;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }
}
