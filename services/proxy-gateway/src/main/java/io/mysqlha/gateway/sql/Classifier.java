package io.mysqlha.gateway.sql;

import io.mysqlha.gateway.sql.SqlLexer.Token;
import io.netty.buffer.ByteBuf;

import static io.mysqlha.gateway.sql.Statement.F_FOUND_ROWS;
import static io.mysqlha.gateway.sql.Statement.F_GLOBAL;
import static io.mysqlha.gateway.sql.Statement.F_LAST_INSERT_ID;
import static io.mysqlha.gateway.sql.Statement.F_LOCKING;
import static io.mysqlha.gateway.sql.Statement.F_NAMED_LOCK;
import static io.mysqlha.gateway.sql.Statement.F_NO_TABLE;
import static io.mysqlha.gateway.sql.Statement.F_PREVIOUS_STATEMENT;
import static io.mysqlha.gateway.sql.Statement.F_READ_ONLY;
import static io.mysqlha.gateway.sql.Statement.F_SERVER_STATE;
import static io.mysqlha.gateway.sql.Statement.F_TEMPORARY_TABLE;
import static io.mysqlha.gateway.sql.Statement.F_USER_VARIABLE;
import static io.mysqlha.gateway.sql.Statement.F_WRITES;

/**
 * Says what a statement is from its bytes, in one pass of a {@link SqlLexer}: the kind, whether a SELECT locks or
 * reads no table, what pins it to one connection, and which variables a SET assigns. It never throws: what it cannot
 * read is {@link StatementKind#UNKNOWN}, which the router sends to the writer. Statements longer than {@link #LIMIT}
 * are read only that far (a SELECT that long is UNKNOWN: its end was not seen). One instance per session (not
 * thread-safe), allocating only the result and, for SET and DDL, its detail.
 */
public final class Classifier {
    /** Bytes of a statement that are looked into (ProxySQL's query_digests_max_query_length is 65,000). */
    public static final int LIMIT = 64 * 1024;
    private static final Statement UNKNOWN = new Statement(StatementKind.UNKNOWN, 0, null);

    private final SqlLexer lex = new SqlLexer();
    private final int limit;

    public Classifier() {
        this(LIMIT);
    }

    public Classifier(int limit) {
        this.limit = limit;
    }

    public Statement classify(ByteBuf bytes, int from, int to) {
        lex.reset(bytes, from, to, limit);
        Token t = lex.next();
        while (lex.isPunct('(')) {
            t = lex.next(); // (SELECT ...) UNION (SELECT ...)
        }
        Statement s = t == Token.WORD ? statement() : UNKNOWN;
        if (s.kind() != StatementKind.UNKNOWN && lex.unterminated()) {
            return UNKNOWN; // the server will refuse it; the writer says why
        }
        if (lex.truncated() && (s.kind() == StatementKind.SELECT || s.kind() == StatementKind.SHOW)) {
            return UNKNOWN; // a FOR UPDATE may be past the part read
        }
        return s;
    }

    /** Convenience for tests and tools: the statement as a string. */
    public Statement classify(String sql) {
        byte[] b = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return classify(io.netty.buffer.Unpooled.wrappedBuffer(b), 0, b.length);
    }

    private Statement statement() {
        if (lex.is("table")) {
            Statement s = scan(StatementKind.SELECT, 0, null); // TABLE t: all of t
            return new Statement(s.kind(), s.flags() & ~F_NO_TABLE, s.detail());
        }
        if (lex.is("select") || lex.is("values")) {
            return scan(StatementKind.SELECT, 0, null);
        }
        if (lex.is("with")) {
            return scan(StatementKind.SELECT, 0, null);
        }
        if (lex.is("show")) {
            return show();
        }
        if (lex.is("set")) {
            return set();
        }
        if (lex.is("use")) {
            return scan(StatementKind.USE, 0, null);
        }
        if (lex.is("begin")) {
            lex.next();
            return lex.is("not") ? compound(StatementKind.OTHER, "begin not atomic") // a MariaDB compound statement
                    : scan(StatementKind.BEGIN, 0, null);
        }
        if (lex.is("start")) {
            lex.next();
            if (!lex.is("transaction")) {
                return scan(StatementKind.OTHER, 0, "start");
            }
            int flags = 0;
            for (Token t = lex.next(); t != Token.END; t = lex.next()) {
                if (lex.is("only")) {
                    flags |= F_READ_ONLY;
                } else if (lex.is("write")) {
                    flags &= ~F_READ_ONLY;
                }
            }
            return new Statement(StatementKind.BEGIN, flags, null);
        }
        if (lex.is("commit")) {
            return scan(StatementKind.COMMIT, 0, null);
        }
        if (lex.is("rollback")) {
            lex.next();
            return lex.is("to") ? scan(StatementKind.SAVEPOINT, 0, null) : scan(StatementKind.ROLLBACK, 0, null);
        }
        if (lex.is("savepoint") || lex.is("release")) {
            return scan(StatementKind.SAVEPOINT, 0, null);
        }
        if (lex.is("insert") || lex.is("update") || lex.is("delete") || lex.is("replace") || lex.is("load")) {
            return scan(StatementKind.DML, 0, null);
        }
        if (lex.is("create") || lex.is("drop")) {
            String word = lex.text();
            lex.next();
            if (word.equals("drop") && lex.is("prepare")) {
                return new Statement(StatementKind.DEALLOCATE, 0, null);
            }
            int flags = lex.is("temporary") ? F_TEMPORARY_TABLE : 0;
            return word.equals("create") ? compound(StatementKind.DDL, word) : scan(StatementKind.DDL, flags, word);
        }
        if (lex.is("alter") || lex.is("truncate") || lex.is("rename") || lex.is("grant") || lex.is("revoke")
                || lex.is("optimize") || lex.is("repair")) {
            return scan(StatementKind.DDL, 0, lex.text());
        }
        if (lex.is("call")) {
            return scan(StatementKind.CALL, 0, null);
        }
        if (lex.is("lock")) {
            lex.next();
            return lex.is("tables") || lex.is("table") ? new Statement(StatementKind.LOCK_TABLES, 0, null)
                    : scan(StatementKind.OTHER, 0, "lock");
        }
        if (lex.is("unlock")) {
            return scan(StatementKind.UNLOCK_TABLES, 0, null);
        }
        if (lex.is("prepare")) {
            return scan(StatementKind.PREPARE, 0, null);
        }
        if (lex.is("execute")) {
            return scan(StatementKind.EXECUTE, 0, null);
        }
        if (lex.is("deallocate")) {
            return new Statement(StatementKind.DEALLOCATE, 0, null);
        }
        if (lex.is("do")) {
            return scan(StatementKind.DO, 0, null);
        }
        if (lex.is("explain") || lex.is("describe") || lex.is("desc")) {
            return scan(StatementKind.EXPLAIN, 0, null);
        }
        if (lex.is("xa")) {
            lex.next();
            if (lex.is("start") || lex.is("begin")) {
                return new Statement(StatementKind.BEGIN, 0, "xa");
            }
            if (lex.is("commit")) {
                return new Statement(StatementKind.COMMIT, 0, "xa");
            }
            if (lex.is("rollback")) {
                return new Statement(StatementKind.ROLLBACK, 0, "xa");
            }
            return new Statement(StatementKind.OTHER, 0, "xa");
        }
        return scan(StatementKind.OTHER, 0, lex.text());
    }

    /**
     * Reads to the end for what pins or writes: user variables, lock and sequence functions, FOR UPDATE, INTO
     * OUTFILE, FROM (a table or DUAL), a WITH whose body writes, and a second statement after a semicolon.
     */
    private Statement scan(StatementKind kind, int flags, String detail) {
        boolean from = false;
        boolean table = false;
        boolean writesAtTop = false;
        boolean sawFor = false;
        boolean sawLock = false;
        boolean sawInto = false;
        boolean sawNext = false;
        boolean sawValue = false;
        boolean first = true;
        for (Token t = lex.token(); t != Token.END; t = lex.next(), first = false) {
            switch (t) {
                case USER_VAR -> flags |= F_USER_VARIABLE;
                case SYSTEM_VAR -> flags |= systemVariable();
                case WORD -> {
                    if (from) {
                        from = false;
                        table |= !lex.is("dual");
                    }
                    boolean call = lex.peekAfterSpace() == '(';
                    if (lex.is("from")) {
                        from = true;
                    } else if (sawFor && (lex.is("update") || lex.is("share"))) {
                        flags |= F_LOCKING;
                    } else if (sawLock && lex.is("in")) {
                        flags |= F_LOCKING;
                    } else if (sawInto && (lex.is("outfile") || lex.is("dumpfile"))) {
                        flags |= F_WRITES;
                    } else if (sawNext && lex.is("value")) {
                        sawValue = true;
                    } else if (sawValue && lex.is("for")) {
                        flags |= F_WRITES; // NEXT VALUE FOR a sequence
                    } else if (lex.is("sql_calc_found_rows")) {
                        flags |= F_FOUND_ROWS;
                    } else if (call) {
                        flags |= function();
                    } else if (!first && lex.depth() == 0 && kind == StatementKind.SELECT
                            && (lex.is("update") || lex.is("delete") || lex.is("insert") || lex.is("replace"))) {
                        writesAtTop = true; // WITH ... UPDATE (MySQL 8)
                    }
                    sawValue = sawValue && lex.is("value");
                    sawFor = lex.is("for");
                    sawLock = lex.is("lock");
                    sawInto = lex.is("into");
                    sawNext = lex.is("next");
                }
                case PUNCT -> {
                    table |= from;
                    if (lex.isPunct(';') && lex.depth() == 0) {
                        if (lex.next() != Token.END) {
                            return new Statement(StatementKind.OTHER, flags, "multiple statements");
                        }
                        return done(kind, flags, detail, table, writesAtTop);
                    }
                    from = false;
                    sawFor = sawLock = sawInto = sawNext = sawValue = false;
                }
                default -> {
                    table |= from;
                    from = false;
                    sawFor = sawLock = sawInto = sawNext = sawValue = false;
                }
            }
        }
        return done(kind, flags, detail, table, writesAtTop);
    }

    /** A statement whose body may hold semicolons (CREATE PROCEDURE, BEGIN NOT ATOMIC): read for its flags only. */
    private Statement compound(StatementKind kind, String detail) {
        int flags = kind == StatementKind.DDL && lex.is("temporary") ? F_TEMPORARY_TABLE : 0;
        for (Token t = lex.token(); t != Token.END; t = lex.next()) {
            if (t == Token.USER_VAR) {
                flags |= F_USER_VARIABLE;
            }
        }
        return new Statement(kind, flags, detail);
    }

    private static Statement done(StatementKind kind, int flags, String detail, boolean table, boolean writesAtTop) {
        if (kind == StatementKind.SELECT && writesAtTop) {
            return new Statement(StatementKind.DML, flags, "with");
        }
        if (kind == StatementKind.SELECT && !table) {
            flags |= F_NO_TABLE;
        }
        return new Statement(kind, flags, detail);
    }

    private int function() {
        if (lex.is("get_lock") || lex.is("release_lock") || lex.is("release_all_locks") || lex.is("is_free_lock")
                || lex.is("is_used_lock")) {
            return F_NAMED_LOCK;
        }
        if (lex.is("found_rows")) {
            return F_FOUND_ROWS;
        }
        if (lex.is("connection_id")) {
            return Statement.F_CONNECTION_ID;
        }
        if (lex.is("last_insert_id")) {
            return F_LAST_INSERT_ID;
        }
        if (lex.is("row_count")) {
            return F_PREVIOUS_STATEMENT;
        }
        if (lex.is("nextval") || lex.is("lastval") || lex.is("setval") || lex.is("master_pos_wait")
                || lex.is("source_pos_wait") || lex.is("sleep")) {
            return lex.is("sleep") ? 0 : F_WRITES;
        }
        return 0;
    }

    /** Flags for a system variable read: those about this connection's last statement or last write. */
    private int systemVariable() {
        int at = lex.start() + 2;
        int stop = lex.stop();
        String name = lowerAscii(at, stop);
        int dot = name.indexOf('.');
        if (dot >= 0) {
            name = name.substring(dot + 1);
        }
        return switch (name) {
            case "warning_count", "error_count" -> F_PREVIOUS_STATEMENT;
            case "identity", "last_insert_id", "insert_id" -> F_LAST_INSERT_ID;
            case "last_gtid", "gtid_binlog_pos", "gtid_current_pos", "gtid_executed" -> F_WRITES;
            default -> 0;
        };
    }

    private String lowerAscii(int from, int to) {
        StringBuilder b = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int c = lex.byteAt(i);
            b.append((char) (c >= 'A' && c <= 'Z' ? c | 0x20 : c));
        }
        return b.toString();
    }

    private Statement show() {
        lex.next();
        int flags = 0;
        if (lex.is("full")) {
            lex.next();
        }
        if (lex.is("warnings") || lex.is("errors") || lex.is("count") || lex.is("profile") || lex.is("profiles")) {
            flags = F_PREVIOUS_STATEMENT;
        } else if (lex.is("master") || lex.is("slave") || lex.is("replica") || lex.is("replicas")
                || lex.is("binary") || lex.is("binlog") || lex.is("relaylog") || lex.is("processlist")
                || lex.is("status") || lex.is("global") || lex.is("session") || lex.is("all") || lex.is("engine")
                || lex.is("innodb")) {
            flags = F_SERVER_STATE;
        }
        return scan(StatementKind.SHOW, flags, null);
    }

    /**
     * SET: the variables it assigns, each named as the router keys them: "sql_mode" (session), "global:x", "@x",
     * "names", "character set", "transaction" (session), "next transaction", "password", "role". MariaDB's
     * {@code SET STATEMENT ... FOR stmt} is the inner statement (the variables hold only for it).
     */
    private Statement set() {
        Token t = lex.next();
        if (lex.is("statement")) {
            int flags = 0;
            for (t = lex.next(); t != Token.END; t = lex.next()) {
                if (t == Token.USER_VAR) {
                    flags |= F_USER_VARIABLE;
                }
                if (lex.depth() == 0 && lex.is("for")) {
                    lex.next();
                    Statement inner = lex.token() == Token.WORD ? statement() : UNKNOWN;
                    return new Statement(inner.kind(), inner.flags() | flags, inner.detail());
                }
            }
            return UNKNOWN;
        }
        StringBuilder names = new StringBuilder();
        int flags = 0;
        while (t != Token.END) {
            String scope = "";
            if (lex.is("global") || lex.is("persist") || lex.is("persist_only")) {
                scope = "global:";
                flags |= F_GLOBAL;
                t = lex.next();
            } else if (lex.is("session") || lex.is("local")) {
                scope = "session";
                t = lex.next();
            }
            String name;
            boolean rest = false;
            if (t == Token.USER_VAR) {
                name = lex.text();
                flags |= F_USER_VARIABLE;
            } else if (t == Token.SYSTEM_VAR) {
                name = lex.text().substring(2);
                if (name.startsWith("global.")) {
                    scope = "global:";
                    flags |= F_GLOBAL;
                }
                int dot = name.indexOf('.');
                name = dot >= 0 && (name.startsWith("session.") || name.startsWith("local.")
                        || name.startsWith("global.")) ? name.substring(dot + 1) : name;
            } else if (t == Token.WORD && lex.is("names")) {
                name = "names";
            } else if (t == Token.WORD && (lex.is("character") || lex.is("charset"))) {
                name = "character set";
                if (lex.is("character")) {
                    lex.next();
                }
            } else if (t == Token.WORD && lex.is("transaction")) {
                name = scope.isEmpty() ? "next transaction" : "transaction";
                rest = true; // ISOLATION LEVEL x, READ ONLY: the commas belong to it
            } else if (t == Token.WORD && (lex.is("password") || lex.is("role") || lex.is("default"))) {
                name = lex.text().equals("default") ? "role" : lex.text();
                rest = true;
            } else if (t == Token.WORD || t == Token.QUOTED_ID) {
                name = t == Token.QUOTED_ID ? lex.text().replace("`", "").toLowerCase(java.util.Locale.ROOT)
                        : lex.text();
            } else {
                return UNKNOWN;
            }
            if (names.length() > 0) {
                names.append(',');
            }
            names.append(scope.equals("global:") ? scope : "").append(name);
            // the value, to the next comma outside parentheses; a user variable in it pins like one assigned
            for (t = lex.next(); t != Token.END; t = lex.next()) {
                if (t == Token.USER_VAR) {
                    flags |= F_USER_VARIABLE;
                } else if (t == Token.SYSTEM_VAR) {
                    flags |= systemVariable() & F_LAST_INSERT_ID;
                } else if (t == Token.WORD && lex.peekAfterSpace() == '(') {
                    flags |= function();
                } else if (!rest && lex.depth() == 0 && lex.isPunct(',')) {
                    t = lex.next();
                    break;
                } else if (lex.depth() == 0 && lex.isPunct(';')) {
                    if (lex.next() != Token.END) {
                        return new Statement(StatementKind.OTHER, flags, "multiple statements");
                    }
                    t = Token.END;
                    break;
                }
            }
        }
        return names.isEmpty() ? UNKNOWN : new Statement(StatementKind.SET, flags, names.toString());
    }
}
