package io.mysqlha.gateway.split;

import io.mysqlha.domain.QueryRule;
import io.mysqlha.gateway.sql.Statement;
import io.mysqlha.gateway.sql.StatementKind;

import java.util.Set;

/**
 * Where a statement on the splitting read/write listener goes, and what pins a session to the writer. Pure: the
 * session gives it the classified statement and what it knows (open transaction, autocommit, pinned, the query
 * rules' verdict).
 */
public final class SplitRouter {
    /** Where to send. PREVIOUS: where the previous statement ran (SHOW WARNINGS is about it). */
    public enum Target { WRITER, READER, PREVIOUS }

    /** Session variables every backend of a session is given, so a reader answers as the writer would. */
    public static final Set<String> CARRIED = Set.of("autocommit", "names", "character set", "character_set_client",
            "character_set_connection", "character_set_results", "collation_connection", "sql_mode", "time_zone",
            "transaction", "transaction_isolation", "tx_isolation", "transaction_read_only", "tx_read_only",
            "session_track_schema", "session_track_system_variables", "session_track_state_change",
            "session_track_transaction_info", "session_track_gtids", "sql_select_limit", "group_concat_max_len",
            "max_execution_time", "max_statement_time", "innodb_lock_wait_timeout", "lock_wait_timeout",
            "net_write_timeout", "net_read_timeout", "wait_timeout", "interactive_timeout", "sql_safe_updates",
            "lc_time_names", "sql_auto_is_null", "sql_big_selects", "div_precision_increment", "default_week_format",
            "foreign_key_checks", "unique_checks", "sql_notes", "sql_warnings", "sql_quote_show_create",
            "max_join_size", "optimizer_switch", "optimizer_search_depth", "big_tables", "max_sort_length",
            "sort_buffer_size", "join_buffer_size", "tmp_table_size", "max_heap_table_size", "long_query_time",
            "profiling", "character_set_database", "collation_database", "default_storage_engine",
            "default_tmp_storage_engine", "explicit_defaults_for_timestamp", "time_format", "date_format",
            "datetime_format", "lc_messages", "query_cache_type", "sql_buffer_result", "sql_if_exists",
            "updatable_views_with_limit", "old_mode", "old_alter_table", "low_priority_updates", "timestamp");

    private SplitRouter() {
    }

    /**
     * @param ruled the query rules' destination for this statement, or null when none matched
     */
    public static Target target(Statement s, boolean inTransaction, boolean autocommit, boolean pinned,
                                QueryRule.Destination ruled) {
        if (pinned || inTransaction || !autocommit) {
            return Target.WRITER; // autocommit=0 opens a transaction with the first statement (ProxySQL's default)
        }
        if (s.has(Statement.F_PREVIOUS_STATEMENT)) {
            return Target.PREVIOUS;
        }
        if (ruled != null) {
            return ruled == QueryRule.Destination.READER && !pinsOrLocks(s) ? Target.READER : Target.WRITER;
        }
        return s.isRead() ? Target.READER : Target.WRITER;
    }

    private static boolean pinsOrLocks(Statement s) {
        return s.has(Statement.F_LOCKING) || s.kind() == StatementKind.UNKNOWN;
    }

    /**
     * Why this statement makes the session stay on the writer from now on (what it leaves behind lives on that one
     * connection and cannot be carried to another), or null. {@code carried} are the session variables a reader
     * can be given (the built-in list and the spec's).
     */
    public static String pinReason(Statement s, Set<String> carried) {
        if (s.has(Statement.F_USER_VARIABLE)) {
            return "user variables";
        }
        if (s.has(Statement.F_NAMED_LOCK)) {
            return "named locks (GET_LOCK)";
        }
        if (s.has(Statement.F_FOUND_ROWS)) {
            return "SQL_CALC_FOUND_ROWS / FOUND_ROWS()";
        }
        if (s.has(Statement.F_TEMPORARY_TABLE)) {
            return "temporary tables";
        }
        return switch (s.kind()) {
            case LOCK_TABLES -> "LOCK TABLES";
            case PREPARE, EXECUTE -> "SQL PREPARE / EXECUTE";
            case OTHER -> "multiple statements".equals(s.detail()) ? "several statements in one query"
                    : "handler".equals(s.detail()) ? "HANDLER" : null;
            case SET -> unknownSet(s.detail(), carried);
            default -> null;
        };
    }

    private static String unknownSet(String detail, Set<String> carried) {
        for (String name : detail.split(",")) {
            if (name.startsWith("global:") || name.equals("next transaction") || name.equals("password")) {
                continue; // not this session's state
            }
            if (name.equals("role")) {
                return "SET ROLE";
            }
            if (!carried.contains(name) && !CARRIED.contains(name)) {
                return "SET " + name;
            }
        }
        return null;
    }

    /** Whether a successful SET is session state to give every backend (not a global, next transaction only...). */
    public static boolean isSessionState(Statement s) {
        if (s.kind() != StatementKind.SET || s.has(Statement.F_USER_VARIABLE)) {
            return false;
        }
        for (String name : s.detail().split(",")) {
            if (!name.startsWith("global:") && !name.equals("next transaction") && !name.equals("password")) {
                return true;
            }
        }
        return false;
    }
}
