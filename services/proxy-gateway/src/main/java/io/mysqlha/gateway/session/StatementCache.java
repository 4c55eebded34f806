package io.mysqlha.gateway.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements prepared on one pooled backend connection, shared by every session that borrows it (ProxySQL's
 * per-connection statement cache): a statement is found by its schema and text (and the session state it was
 * prepared in, which can change how it parses), so a session that borrows the connection executes what another
 * prepared there without preparing it again. At most {@code max} stay; preparing one more retires the one used
 * longest ago, whose id is closed on the node before the connection's next command ({@link #takeRetired}). The
 * parameter types the node last got for each statement are kept: a session whose execute leaves them out (they were
 * bound before, maybe on another connection) gets its own put back in when they differ. Event-loop confined.
 */
final class StatementCache {
    /** One statement prepared on the connection. */
    static final class Entry {
        final int id;
        final List<String> state;
        /** The parameter types the node last got for it (null: none yet). */
        byte[] types;

        Entry(int id, List<String> state) {
            this.id = id;
            this.state = state;
        }
    }

    private final int max;
    private final LinkedHashMap<String, Entry> byKey = new LinkedHashMap<>(16, 0.75f, true);
    private final List<Integer> retired = new ArrayList<>();

    StatementCache(int max) {
        this.max = Math.max(2, max);
    }

    /** How a statement is found: its schema and text. */
    static String key(String schema, String sql) {
        return schema + '\u0000' + sql;
    }

    /** The statement prepared under {@code key} in {@code state}, now the one used last; null if none. */
    Entry get(String key, List<String> state) {
        Entry e = byKey.get(key);
        return e != null && e.state.equals(state) ? e : null;
    }

    /**
     * A statement the node prepared under {@code id}: it replaces one of the same key (retired), and the one used
     * longest ago goes when there are more than the bound.
     */
    Entry put(String key, int id, List<String> state) {
        Entry e = new Entry(id, state);
        Entry old = byKey.put(key, e);
        if (old != null && old.id != id) {
            retired.add(old.id);
        }
        for (Iterator<Map.Entry<String, Entry>> it = byKey.entrySet().iterator(); byKey.size() > max; ) {
            retired.add(it.next().getValue().id);
            it.remove();
        }
        return e;
    }

    /**
     * Whether {@code e} must be given {@code types} with the execute (the node last got others, or none). The
     * caller sends them, so they are the node's from now on.
     */
    static boolean needsTypes(Entry e, byte[] types) {
        if (types == null || Arrays.equals(e.types, types)) {
            return false;
        }
        e.types = types;
        return true;
    }

    /** The ids retired since the last call, to close on the node (COM_STMT_CLOSE has no answer). */
    List<Integer> takeRetired() {
        if (retired.isEmpty()) {
            return List.of();
        }
        List<Integer> ids = List.copyOf(retired);
        retired.clear();
        return ids;
    }

    /** COM_RESET_CONNECTION: the node closed them all. */
    void clear() {
        byKey.clear();
        retired.clear();
    }

    int size() {
        return byKey.size();
    }
}
