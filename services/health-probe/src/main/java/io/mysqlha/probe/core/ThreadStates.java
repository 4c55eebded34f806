package io.mysqlha.probe.core;

import io.mysqlha.events.health.ThreadState;

import java.util.Locale;
import java.util.Map;

final class ThreadStates {
    private ThreadStates() {
    }

    /** Yes / Connecting / No, as both flavours print them (MySQL's "Connecting" is the IO thread retrying). */
    static ThreadState of(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) {
            throw new UnexpectedResultException("replica status has no column " + column + "; columns: "
                    + row.keySet().stream().sorted().toList());
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes" -> ThreadState.RUNNING;
            case "connecting", "preparing" -> ThreadState.CONNECTING;
            default -> ThreadState.STOPPED;
        };
    }
}
