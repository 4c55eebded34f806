package io.mysqlha.gateway.split;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SET statements a session made that every backend it uses must also have, in the order they were made (a later
 * SET of the same variables replaces the earlier one). The version moves on every change: a backend that was given
 * an older version is brought up to date before its next statement. Event-loop confined.
 */
public final class SessionState {
    private final Map<String, String> sets = new LinkedHashMap<>();
    private long version;
    private List<String> snapshot = List.of();
    private long snapshotVersion;

    /** A SET that succeeded: {@code variables} as the classifier names them, {@code statement} as the client sent it. */
    public void set(String variables, String statement) {
        sets.remove(variables);
        sets.put(variables, statement);
        version++;
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER: back to the defaults. */
    public void reset() {
        if (!sets.isEmpty()) {
            sets.clear();
        }
        version++;
    }

    /** A change that is not a SET (the schema): backends are brought up to date too. */
    public void touch() {
        version++;
    }

    public long version() {
        return version;
    }

    /** What brings a fresh backend to this state. */
    public List<String> statements() {
        return new ArrayList<>(sets.values());
    }

    /** The same as {@link #statements()}, unmodifiable, made once per change. */
    public List<String> snapshot() {
        if (snapshotVersion != version) {
            snapshot = List.copyOf(sets.values());
            snapshotVersion = version;
        }
        return snapshot;
    }

    public boolean isEmpty() {
        return sets.isEmpty();
    }
}
