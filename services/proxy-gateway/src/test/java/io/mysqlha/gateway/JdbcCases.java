package io.mysqlha.gateway;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The programs of the JDBC driver matrix: each runs on a fresh connection and writes what it observed. Each starts
 * from its own tables (dropped and created again), so that two runs, directly and through the gateway, see the same
 * auto-increment values.
 */
final class JdbcCases {
    /** What a case runs with: its connection, more connections like it, and a look at what runs on the nodes. */
    interface Session {
        Connection c();

        Connection open(String options) throws SQLException;

        /** Waits until a statement whose text contains the marker runs on some node (or fails after a deadline). */
        void awaitRunning(String marker);

        boolean mysqlDriver();

        /** A HikariCP pool of this many connections like the case's own (closed after the case). */
        javax.sql.DataSource pool(int size);
    }

    interface Body {
        void run(Session s, Transcript out) throws Exception;
    }

    record Case(String name, String options, Body body) {
        /** Whether it reads another connection's writes: session causal reads may answer it stale, by design. */
        boolean acrossConnections() {
            return name.endsWith("(across connections)");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private JdbcCases() {
    }

    private static Case of(String name, Body body) {
        return new Case(name, "", body);
    }

    private static Case of(String name, String options, Body body) {
        return new Case(name, options, body);
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static void table(Connection c, String name, String columns) throws SQLException {
        exec(c, "DROP TABLE IF EXISTS " + name, "CREATE TABLE " + name + " (" + columns + ")");
    }

    private static void query(Connection c, Transcript out, String sql) throws Exception {
        out.attempt(sql, () -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                out.rows(rs);
            }
        });
    }

    private static void update(Connection c, Transcript out, String sql) throws Exception {
        out.attempt(sql, () -> {
            try (Statement s = c.createStatement()) {
                out.line("update", s.executeUpdate(sql));
                out.warnings(s.getWarnings());
            }
        });
    }

    private static void execute(Connection c, Transcript out, String sql) throws Exception {
        out.attempt(sql, () -> {
            try (Statement s = c.createStatement()) {
                out.results(s, s.execute(sql));
            }
        });
    }

    private static final String KV = "id INT AUTO_INCREMENT PRIMARY KEY, k INT UNIQUE, v VARCHAR(40)";

    static final List<Case> ALL = List.of(
            of("ddl update counts", (s, out) -> {
                update(s.c(), out, "DROP TABLE IF EXISTS m_ddl");
                update(s.c(), out, "CREATE TABLE m_ddl (id INT PRIMARY KEY, v TEXT)");
                update(s.c(), out, "ALTER TABLE m_ddl ADD COLUMN w INT");
                update(s.c(), out, "CREATE INDEX m_ddl_w ON m_ddl (w)");
                update(s.c(), out, "TRUNCATE TABLE m_ddl");
                update(s.c(), out, "DROP TABLE m_ddl");
            }),
            of("dml update counts and info", (s, out) -> {
                table(s.c(), "m_dml", KV);
                update(s.c(), out, "INSERT INTO m_dml (k, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
                update(s.c(), out, "UPDATE m_dml SET v = 'x' WHERE k <= 2");
                update(s.c(), out, "UPDATE m_dml SET v = 'x' WHERE k <= 2"); // matched, not changed
                update(s.c(), out, "INSERT INTO m_dml (k, v) VALUES (1, 'd') ON DUPLICATE KEY UPDATE v = 'd'");
                update(s.c(), out, "REPLACE INTO m_dml (k, v) VALUES (2, 'r')");
                update(s.c(), out, "DELETE FROM m_dml WHERE k > 100");
                update(s.c(), out, "DELETE FROM m_dml");
                query(s.c(), out, "SELECT ROW_COUNT()");
            }),
            of("affected rows instead of found rows", "useAffectedRows=true", (s, out) -> {
                table(s.c(), "m_aff", KV);
                update(s.c(), out, "INSERT INTO m_aff (k, v) VALUES (1, 'a'), (2, 'b')");
                update(s.c(), out, "UPDATE m_aff SET v = 'a'");
            }),
            of("generated keys", (s, out) -> {
                table(s.c(), "m_keys", KV);
                try (Statement st = s.c().createStatement()) {
                    st.executeUpdate("INSERT INTO m_keys (k, v) VALUES (1, 'a')", Statement.RETURN_GENERATED_KEYS);
                    out.rows(st.getGeneratedKeys());
                    st.executeUpdate("INSERT INTO m_keys (k, v) VALUES (2, 'b'), (3, 'c')",
                            Statement.RETURN_GENERATED_KEYS);
                    out.rows(st.getGeneratedKeys());
                }
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_keys (k, v) VALUES (?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setInt(1, 4);
                    ps.setString(2, "d");
                    out.line("update", ps.executeUpdate());
                    out.rows(ps.getGeneratedKeys());
                }
                query(s.c(), out, "SELECT LAST_INSERT_ID()");
            }),
            of("last insert id read after the write", (s, out) -> {
                table(s.c(), "m_lii", KV);
                update(s.c(), out, "INSERT INTO m_lii (k, v) VALUES (7, 'a')");
                query(s.c(), out, "SELECT LAST_INSERT_ID(), @@identity");
            }),
            of("batch, not rewritten", (s, out) -> {
                table(s.c(), "m_batch", KV);
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_batch (k, v) VALUES (?, ?)")) {
                    for (int i = 0; i < 20; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "v" + i);
                        ps.addBatch();
                    }
                    out.line("batch", java.util.Arrays.toString(ps.executeBatch()));
                }
                query(s.c(), out, "SELECT COUNT(*), SUM(k) FROM m_batch");
            }),
            of("batch, rewritten", "rewriteBatchedStatements=true&useBulkStmts=true", (s, out) -> {
                table(s.c(), "m_rbatch", KV);
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_rbatch (k, v) VALUES (?, ?)")) {
                    for (int i = 0; i < 200; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "v" + i);
                        ps.addBatch();
                    }
                    out.line("batch", java.util.Arrays.toString(ps.executeBatch()));
                }
                query(s.c(), out, "SELECT COUNT(*), SUM(k) FROM m_rbatch");
            }),
            of("batch with parameters of different types", "useBulkStmts=true&useBulkStmtsForInserts=true", (s, out) -> {
                // a column's Java type changes between rows (MariaDB Connector/J's bulk execution cannot send them as
                // one COM_STMT_BULK_EXECUTE): the update counts are what the server's answers say, then the same
                // batch of one type, which goes as one bulk execution where the driver and server have it
                table(s.c(), "m_tbatch", "k INT PRIMARY KEY, v VARCHAR(20), n DECIMAL(10,2)");
                for (boolean mixed : new boolean[] {true, false}) {
                    exec(s.c(), "DELETE FROM m_tbatch");
                    try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_tbatch (k, v, n) VALUES (?, ?, ?)")) {
                        for (int i = 0; i < 6; i++) {
                            ps.setInt(1, i);
                            if (!mixed || i % 2 == 0) {
                                ps.setString(2, "v" + i);
                                ps.setBigDecimal(3, new java.math.BigDecimal(i + ".5"));
                            } else {
                                ps.setInt(2, i);
                                ps.setDouble(3, i + 0.25);
                            }
                            ps.addBatch();
                        }
                        out.line(mixed ? "mixed batch" : "batch of one type", java.util.Arrays.toString(ps.executeBatch()));
                    }
                    query(s.c(), out, "SELECT k, v, n FROM m_tbatch ORDER BY k");
                }
            }),
            of("batch with a failing row", "rewriteBatchedStatements=true", (s, out) -> {
                table(s.c(), "m_fbatch", KV);
                out.attempt("batch", () -> {
                    try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_fbatch (k, v) VALUES (?, ?)")) {
                        for (int i : new int[] {1, 2, 2, 3}) {
                            ps.setInt(1, i);
                            ps.setString(2, "v");
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                });
                query(s.c(), out, "SELECT k FROM m_fbatch ORDER BY k");
            }),
            of("statement batch", (s, out) -> {
                table(s.c(), "m_sbatch", KV);
                try (Statement st = s.c().createStatement()) {
                    st.addBatch("INSERT INTO m_sbatch (k, v) VALUES (1, 'a')");
                    st.addBatch("INSERT INTO m_sbatch (k, v) VALUES (2, 'b'), (3, 'c')");
                    st.addBatch("UPDATE m_sbatch SET v = 'z'");
                    st.addBatch("DELETE FROM m_sbatch WHERE k = 1");
                    out.line("batch", java.util.Arrays.toString(st.executeBatch()));
                }
            }),
            of("large result, streamed", (s, out) -> {
                try (Statement st = s.c().createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                    st.setFetchSize(s.mysqlDriver() ? Integer.MIN_VALUE : 1000);
                    try (ResultSet rs = st.executeQuery("SELECT seq, REPEAT(CHAR(65 + seq % 26), seq % 50)"
                            + " FROM seq_1_to_100000")) {
                        out.digest(rs);
                    }
                }
                query(s.c(), out, "SELECT 'after the stream'");
            }),
            of("large result, buffered", (s, out) -> {
                try (Statement st = s.c().createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT seq, MD5(seq) FROM seq_1_to_50000")) {
                    out.digest(rs);
                }
            }),
            of("cursor fetch", "useCursorFetch=true&defaultFetchSize=7", (s, out) -> {
                for (int pass = 0; pass < 2; pass++) {
                    try (PreparedStatement ps = s.c().prepareStatement("SELECT seq, seq * 2 FROM seq_1_to_50 WHERE seq > ?")) {
                        ps.setFetchSize(7);
                        ps.setInt(1, 3);
                        try (ResultSet rs = ps.executeQuery()) {
                            out.rows(rs);
                        }
                    }
                }
            }),
            of("max rows", (s, out) -> {
                try (Statement st = s.c().createStatement()) {
                    st.setMaxRows(5);
                    try (ResultSet rs = st.executeQuery("SELECT seq FROM seq_1_to_100")) {
                        out.rows(rs);
                    }
                }
                query(s.c(), out, "SELECT COUNT(*) FROM seq_1_to_100");
            }),
            of("multi-statements", "allowMultiQueries=true", (s, out) -> {
                table(s.c(), "m_multi", KV);
                execute(s.c(), out, "SELECT 1 AS a; INSERT INTO m_multi (k, v) VALUES (1, 'a'), (2, 'b');"
                        + " SELECT k, v FROM m_multi ORDER BY k; UPDATE m_multi SET v = 'c'");
                execute(s.c(), out, "SELECT 1; SELECT * FROM no_such_table; SELECT 3");
                query(s.c(), out, "SELECT 'the connection goes on'");
            }),
            of("stored procedure with OUT parameters and results", (s, out) -> {
                exec(s.c(), "DROP PROCEDURE IF EXISTS m_proc",
                        "CREATE PROCEDURE m_proc(IN a INT, OUT b INT, INOUT c VARCHAR(20))"
                                + " BEGIN SET b = a * 2; SET c = CONCAT(c, '!'); SELECT a AS first;"
                                + " SELECT a + 1 AS second, 'x' AS third; END");
                try (CallableStatement cs = s.c().prepareCall("{CALL m_proc(?, ?, ?)}")) {
                    cs.setInt(1, 21);
                    cs.registerOutParameter(2, Types.INTEGER);
                    cs.setString(3, "hi");
                    cs.registerOutParameter(3, Types.VARCHAR);
                    out.results(cs, cs.execute());
                    out.line("out", cs.getInt(2), cs.getString(3));
                }
                execute(s.c(), out, "CALL m_proc(1, @b, @c)");
                query(s.c(), out, "SELECT @b, @c");
            }),
            of("warnings", (s, out) -> {
                table(s.c(), "m_warn", "k INT UNIQUE, t TINYINT");
                update(s.c(), out, "INSERT IGNORE INTO m_warn VALUES (1, 1), (1, 2)");
                update(s.c(), out, "INSERT IGNORE INTO m_warn VALUES (2, 1000)");
                query(s.c(), out, "SHOW WARNINGS");
                query(s.c(), out, "SELECT CAST('12abc' AS SIGNED)");
                query(s.c(), out, "SHOW WARNINGS");
                query(s.c(), out, "SELECT @@warning_count");
            }),
            of("errors and SQLSTATEs", (s, out) -> {
                table(s.c(), "m_err", KV);
                update(s.c(), out, "INSERT INTO m_err (k, v) VALUES (1, 'a'), (1, 'b')"); // 1062
                query(s.c(), out, "SELECT * FROM no_such_table"); // 1146
                query(s.c(), out, "SELEC 1"); // 1064
                query(s.c(), out, "SELECT no_such_column FROM m_err"); // 1054
                update(s.c(), out, "INSERT INTO m_err (k, v) VALUES (2, REPEAT('x', 41))"); // 1406 in strict mode
                query(s.c(), out, "SELECT 1 / 0, 'after the errors'");
                out.attempt("prepare", () -> s.c().prepareStatement("SELECT * FROM no_such_table WHERE a = ?")
                        .executeQuery());
            }),
            of("lock wait timeout (1205)", (s, out) -> {
                table(s.c(), "m_lock", KV);
                exec(s.c(), "INSERT INTO m_lock (k, v) VALUES (1, 'a')");
                try (Connection other = s.open("")) {
                    s.c().setAutoCommit(false);
                    exec(s.c(), "UPDATE m_lock SET v = 'b' WHERE k = 1");
                    exec(other, "SET SESSION innodb_lock_wait_timeout = 1");
                    update(other, out, "UPDATE m_lock SET v = 'c' WHERE k = 1");
                    s.c().rollback();
                    s.c().setAutoCommit(true);
                    update(other, out, "UPDATE m_lock SET v = 'c' WHERE k = 1");
                }
            }),
            of("deadlock (1213)", (s, out) -> {
                table(s.c(), "m_dead", KV);
                exec(s.c(), "INSERT INTO m_dead (k, v) VALUES (1, 'a'), (2, 'b')");
                try (Connection other = s.open("")) {
                    s.c().setAutoCommit(false);
                    other.setAutoCommit(false);
                    exec(s.c(), "UPDATE m_dead SET v = 'x' WHERE k = 1");
                    exec(other, "UPDATE m_dead SET v = 'y' WHERE k = 2");
                    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                        try {
                            exec(s.c(), "UPDATE m_dead SET v = 'x /* m_dead_wait */' WHERE k = 2");
                            return "ok";
                        } catch (SQLException e) {
                            return e.getErrorCode() + " " + e.getSQLState() + " " + Transcript.message(e.getMessage());
                        }
                    });
                    s.awaitRunning("m_dead_wait");
                    String second;
                    try {
                        exec(other, "UPDATE m_dead SET v = 'y' WHERE k = 1");
                        second = "ok";
                    } catch (SQLException e) {
                        second = e.getErrorCode() + " " + e.getSQLState() + " " + Transcript.message(e.getMessage());
                    }
                    String waited = first.get(30, TimeUnit.SECONDS);
                    // InnoDB picks the victim; what matters is that exactly one got 1213 and the other went on
                    out.line("outcomes", java.util.stream.Stream.of(waited, second).sorted().toList());
                    s.c().rollback();
                    other.rollback();
                }
            }),
            of("statement cancel (1317)", (s, out) -> {
                try (Statement st = s.c().createStatement()) {
                    CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> {
                        try (ResultSet rs = st.executeQuery("SELECT SLEEP(30) /* m_cancel */")) {
                            rs.next();
                            return "finished " + rs.getString(1);
                        } catch (SQLException e) {
                            // MySQL Connector/J reports its own cancel either way, as it sees the KILL's answer
                            return e.getErrorCode() == 1317
                                    || e instanceof com.mysql.cj.jdbc.exceptions.MySQLStatementCancelledException
                                    ? "interrupted" : e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage();
                        }
                    });
                    s.awaitRunning("m_cancel");
                    st.cancel();
                    out.line("cancelled", running.get(30, TimeUnit.SECONDS));
                }
                query(s.c(), out, "SELECT 'the connection goes on'");
            }),
            of("query timeout", (s, out) -> {
                try (Statement st = s.c().createStatement()) {
                    st.setQueryTimeout(1);
                    out.attempt("timeout", () -> {
                        try (ResultSet rs = st.executeQuery("SELECT SLEEP(10)")) {
                            rs.next();
                            out.line("slept", rs.getString(1));
                        }
                    });
                }
                query(s.c(), out, "SELECT 'the connection goes on'");
            }),
            of("kill query by CONNECTION_ID()", (s, out) -> {
                long id;
                try (Statement st = s.c().createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    id = rs.getLong(1);
                }
                try (Connection other = s.open("")) {
                    CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> {
                        try (Statement st = s.c().createStatement();
                             ResultSet rs = st.executeQuery("SELECT SLEEP(30) /* m_killq */")) {
                            rs.next();
                            return "finished " + rs.getString(1);
                        } catch (SQLException e) {
                            return e.getErrorCode() + " " + e.getSQLState();
                        }
                    });
                    s.awaitRunning("m_killq");
                    update(other, out, "KILL QUERY " + id);
                    out.line("killed", running.get(30, TimeUnit.SECONDS));
                }
                query(s.c(), out, "SELECT 'the connection goes on'");
            }),
            of("kill connection by CONNECTION_ID()", (s, out) -> {
                try (Connection victim = s.open("")) {
                    long id;
                    try (Statement st = victim.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                    update(s.c(), out, "KILL CONNECTION " + id);
                    out.attempt("victim", () -> {
                        try (Statement st = victim.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                            out.line("victim answered");
                        }
                    });
                    out.line("victim valid", victim.isValid(5));
                }
            }),
            of("kill a pooled connection", (s, out) -> {
                // KILL of the connection a pool's holder has: its next statement fails, the pool replaces it
                javax.sql.DataSource pool = s.pool(1);
                try (Connection held = pool.getConnection()) {
                    long id;
                    try (Statement st = held.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                    update(s.c(), out, "KILL CONNECTION " + id);
                    out.attempt("the holder's next statement", () -> {
                        try (Statement st = held.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                            out.line("the holder was answered");
                        }
                    });
                }
                try (Connection again = pool.getConnection()) {
                    query(again, out, "SELECT 'the pool gives a working connection'");
                }
            }),
            of("transactions", (s, out) -> {
                table(s.c(), "m_tx", KV);
                s.c().setAutoCommit(false);
                exec(s.c(), "INSERT INTO m_tx (k, v) VALUES (1, 'a')");
                s.c().rollback();
                query(s.c(), out, "SELECT COUNT(*) FROM m_tx");
                exec(s.c(), "INSERT INTO m_tx (k, v) VALUES (2, 'b')");
                s.c().commit();
                s.c().setAutoCommit(true);
                query(s.c(), out, "SELECT k FROM m_tx");
                exec(s.c(), "START TRANSACTION");
                update(s.c(), out, "UPDATE m_tx SET v = 'c'");
                exec(s.c(), "COMMIT");
                query(s.c(), out, "SELECT v, @@in_transaction FROM m_tx");
            }),
            of("savepoints", (s, out) -> {
                table(s.c(), "m_sp", KV);
                s.c().setAutoCommit(false);
                exec(s.c(), "INSERT INTO m_sp (k, v) VALUES (1, 'a')");
                Savepoint sp = s.c().setSavepoint("one");
                exec(s.c(), "INSERT INTO m_sp (k, v) VALUES (2, 'b')");
                s.c().rollback(sp);
                exec(s.c(), "INSERT INTO m_sp (k, v) VALUES (3, 'c')");
                s.c().releaseSavepoint(s.c().setSavepoint("two"));
                s.c().commit();
                s.c().setAutoCommit(true);
                query(s.c(), out, "SELECT k FROM m_sp ORDER BY k");
                out.attempt("rollback to a savepoint that is not there", () -> exec(s.c(), "ROLLBACK TO SAVEPOINT nope"));
            }),
            of("isolation levels", (s, out) -> {
                for (int level : new int[] {Connection.TRANSACTION_READ_UNCOMMITTED, Connection.TRANSACTION_READ_COMMITTED,
                        Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE}) {
                    s.c().setTransactionIsolation(level);
                    out.line("level", s.c().getTransactionIsolation());
                    query(s.c(), out, "SELECT @@transaction_isolation");
                }
            }),
            of("read-only transactions", (s, out) -> {
                table(s.c(), "m_ro", KV);
                s.c().setReadOnly(true);
                s.c().setAutoCommit(false);
                query(s.c(), out, "SELECT COUNT(*) FROM m_ro");
                update(s.c(), out, "INSERT INTO m_ro (k, v) VALUES (1, 'a')");
                s.c().rollback();
                s.c().setAutoCommit(true);
                s.c().setReadOnly(false);
                update(s.c(), out, "INSERT INTO m_ro (k, v) VALUES (1, 'a')");
            }),
            of("XA transactions", (s, out) -> {
                table(s.c(), "m_xa", KV);
                update(s.c(), out, "XA START 'm_xa_1'");
                update(s.c(), out, "INSERT INTO m_xa (k, v) VALUES (1, 'a')");
                update(s.c(), out, "XA END 'm_xa_1'");
                update(s.c(), out, "XA PREPARE 'm_xa_1'");
                query(s.c(), out, "XA RECOVER");
                update(s.c(), out, "XA COMMIT 'm_xa_1'");
                update(s.c(), out, "XA START 'm_xa_2'");
                update(s.c(), out, "INSERT INTO m_xa (k, v) VALUES (2, 'b')");
                update(s.c(), out, "XA END 'm_xa_2'");
                update(s.c(), out, "XA ROLLBACK 'm_xa_2'");
                query(s.c(), out, "SELECT k FROM m_xa");
            }),
            of("session variables", (s, out) -> {
                exec(s.c(), "SET SESSION sql_mode = 'ANSI_QUOTES,NO_ZERO_DATE'", "SET @u = 42",
                        "SET SESSION group_concat_max_len = 7", "SET SESSION div_precision_increment = 8");
                query(s.c(), out, "SELECT @@sql_mode, @u, @@group_concat_max_len, 1 / 3");
                query(s.c(), out, "SELECT GROUP_CONCAT(seq) FROM seq_1_to_20");
                query(s.c(), out, "SELECT \"a quoted identifier is not a string\" FROM seq_1_to_1");
                exec(s.c(), "SET @u = @u + 1");
                query(s.c(), out, "SELECT @u");
            }),
            of("time zones", (s, out) -> {
                table(s.c(), "m_tz", "id INT PRIMARY KEY, ts TIMESTAMP NULL, dt DATETIME");
                exec(s.c(), "SET time_zone = '+00:00'",
                        "INSERT INTO m_tz VALUES (1, '2024-03-10 12:00:00', '2024-03-10 12:00:00')");
                exec(s.c(), "SET time_zone = '+05:30'");
                query(s.c(), out, "SELECT ts, dt, @@session.time_zone FROM m_tz");
                exec(s.c(), "SET time_zone = '-08:00'");
                query(s.c(), out, "SELECT ts, UNIX_TIMESTAMP(ts), FROM_UNIXTIME(0) FROM m_tz");
            }),
            of("fractional seconds", (s, out) -> {
                table(s.c(), "m_frac", "id INT PRIMARY KEY, t TIME(6), dt DATETIME(6), ts TIMESTAMP(3) NULL");
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_frac VALUES (?, ?, ?, ?)")) {
                    ps.setInt(1, 1);
                    ps.setObject(2, LocalTime.of(13, 14, 15, 123_456_000));
                    ps.setObject(3, LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000));
                    ps.setObject(4, LocalDateTime.of(2001, 1, 1, 0, 0, 0, 5_000_000));
                    out.line("update", ps.executeUpdate());
                }
                query(s.c(), out, "SELECT t, dt, ts, MICROSECOND(dt) FROM m_frac");
                try (PreparedStatement ps = s.c().prepareStatement("SELECT t, dt, ts FROM m_frac WHERE id = ?")) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        out.line("typed", rs.getObject(1, LocalTime.class), rs.getObject(2, LocalDateTime.class),
                                rs.getObject(3, LocalDateTime.class));
                    }
                }
            }),
            of("typed parameters and columns", (s, out) -> {
                table(s.c(), "m_types", "id INT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, bi BIGINT UNSIGNED,"
                        + " de DECIMAL(20,6), fl FLOAT, db DOUBLE, da DATE, ye YEAR, bt BIT(10), en ENUM('a','b'),"
                        + " st SET('x','y'), js JSON, bn BINARY(4), vb VARBINARY(10), ch CHAR(3), nu INT NULL");
                try (PreparedStatement ps = s.c().prepareStatement(
                        "INSERT INTO m_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, b'1010101010', ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setInt(1, 1);
                    ps.setByte(2, (byte) -128);
                    ps.setShort(3, (short) 32767);
                    ps.setInt(4, -8388608);
                    ps.setBigDecimal(5, new BigDecimal("18446744073709551615"));
                    ps.setBigDecimal(6, new BigDecimal("12345678901234.123456"));
                    ps.setFloat(7, 1.5f);
                    ps.setDouble(8, Math.PI);
                    ps.setObject(9, LocalDate.of(1999, 12, 31));
                    ps.setInt(10, 2024);
                    ps.setString(11, "b");
                    ps.setString(12, "x,y");
                    ps.setString(13, "{\"a\": [1, 2, {\"b\": null}]}");
                    ps.setBytes(14, new byte[] {0, 1, 2, (byte) 255});
                    ps.setBytes(15, new byte[] {9, 8, 7});
                    ps.setString(16, "abc");
                    ps.setNull(17, Types.INTEGER);
                    out.line("update", ps.executeUpdate());
                }
                query(s.c(), out, "SELECT * FROM m_types");
                try (PreparedStatement ps = s.c().prepareStatement("SELECT * FROM m_types WHERE id = ?")) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        out.rows(rs);
                    }
                }
            }),
            of("result set metadata", (s, out) -> {
                table(s.c(), "m_meta", "id INT AUTO_INCREMENT PRIMARY KEY, d DECIMAL(9,3) NOT NULL,"
                        + " v VARCHAR(17) CHARACTER SET utf8mb4, b BLOB, u INT UNSIGNED");
                try (Statement st = s.c().createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT id, d, v AS alias, b, u, 1 + 1 AS expr FROM m_meta")) {
                    var m = rs.getMetaData();
                    for (int i = 1; i <= m.getColumnCount(); i++) {
                        out.line(m.getColumnName(i), m.getColumnLabel(i), m.getTableName(i), m.getColumnTypeName(i),
                                m.getPrecision(i), m.getScale(i), m.isNullable(i), m.isAutoIncrement(i), m.isSigned(i),
                                m.getColumnDisplaySize(i), m.getColumnClassName(i));
                    }
                }
            }),
            of("database metadata", (s, out) -> {
                table(s.c(), "m_dbmeta", "id INT PRIMARY KEY, v VARCHAR(10)");
                try (ResultSet rs = s.c().getMetaData().getColumns("app", null, "m_dbmeta", null)) {
                    while (rs.next()) {
                        out.line(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"), rs.getInt("COLUMN_SIZE"));
                    }
                }
                try (ResultSet rs = s.c().getMetaData().getPrimaryKeys("app", null, "m_dbmeta")) {
                    while (rs.next()) {
                        out.line("pk", rs.getString("COLUMN_NAME"));
                    }
                }
            }),
            of("BLOB and TEXT", (s, out) -> {
                table(s.c(), "m_blob", "id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT");
                byte[] bytes = new byte[300_000];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (i * 31);
                }
                String text = "0123456789abcdef".repeat(20_000);
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_blob VALUES (?, ?, ?)")) {
                    ps.setInt(1, 1);
                    ps.setBytes(2, bytes);
                    ps.setString(3, text);
                    out.line("update", ps.executeUpdate());
                }
                query(s.c(), out, "SELECT b, t, LENGTH(b), LENGTH(t) FROM m_blob");
            }),
            of("a 17 MiB value both ways", (s, out) -> {
                table(s.c(), "m_big", "id INT PRIMARY KEY, b LONGBLOB");
                byte[] big = new byte[17 * 1024 * 1024 + 123];
                for (int i = 0; i < big.length; i++) {
                    big[i] = (byte) (i * 7);
                }
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_big VALUES (?, ?)")) {
                    ps.setInt(1, 1);
                    ps.setBytes(2, big);
                    out.line("update", ps.executeUpdate());
                }
                query(s.c(), out, "SELECT b, LENGTH(b) FROM m_big");
                exec(s.c(), "DROP TABLE m_big");
            }),
            of("utf8mb4 and emoji", (s, out) -> {
                table(s.c(), "m_utf", "id INT PRIMARY KEY, v VARCHAR(50) CHARACTER SET utf8mb4");
                String v = "héllo wörld ✓ 😀🚀 日本語 עברית";
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_utf VALUES (?, ?)")) {
                    ps.setInt(1, 1);
                    ps.setString(2, v);
                    ps.executeUpdate();
                }
                query(s.c(), out, "SELECT v, LENGTH(v), CHAR_LENGTH(v), HEX(v) FROM m_utf");
                query(s.c(), out, "SELECT '😀' AS literal, @@character_set_client, @@character_set_results");
                try (PreparedStatement ps = s.c().prepareStatement("SELECT id FROM m_utf WHERE v = ?")) {
                    ps.setString(1, v);
                    try (ResultSet rs = ps.executeQuery()) {
                        out.rows(rs);
                    }
                }
            }),
            of("other charsets", (s, out) -> {
                table(s.c(), "m_cs", "id INT PRIMARY KEY, l VARCHAR(20) CHARACTER SET latin1, g VARCHAR(20)"
                        + " CHARACTER SET greek, b VARCHAR(20) CHARACTER SET binary");
                exec(s.c(), "INSERT INTO m_cs VALUES (1, 'café façade', 'αβγ', 'raw')");
                query(s.c(), out, "SELECT l, g, b, HEX(l), HEX(g) FROM m_cs");
                exec(s.c(), "SET NAMES latin1");
                query(s.c(), out, "SELECT HEX(l), @@character_set_results FROM m_cs");
                exec(s.c(), "SET NAMES utf8mb4");
                query(s.c(), out, "SELECT l FROM m_cs");
            }),
            of("LOAD DATA LOCAL INFILE", "allowLoadLocalInfile=true&allowLocalInfile=true", (s, out) -> {
                table(s.c(), "m_load", "id INT PRIMARY KEY, v VARCHAR(40)");
                Path file = Files.createTempFile("m_load", ".csv");
                try {
                    StringBuilder csv = new StringBuilder();
                    for (int i = 0; i < 5_000; i++) {
                        csv.append(i).append(",value ").append(i).append('\n');
                    }
                    Files.writeString(file, csv, StandardCharsets.UTF_8);
                    update(s.c(), out, "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE m_load FIELDS TERMINATED BY ','");
                    query(s.c(), out, "SELECT COUNT(*), MAX(id), MIN(v) FROM m_load");
                    update(s.c(), out, "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE m_load FIELDS TERMINATED BY ','");
                    update(s.c(), out, "LOAD DATA LOCAL INFILE '/no/such/file.csv' INTO TABLE m_load");
                    query(s.c(), out, "SELECT 'the connection goes on'");
                } finally {
                    Files.deleteIfExists(file);
                }
            }),
            of("LOAD DATA LOCAL INFILE of 20 MiB", "allowLoadLocalInfile=true&allowLocalInfile=true", (s, out) -> {
                // more than one 16 MiB packet of file data: the client streams it in several, split where it likes
                table(s.c(), "m_load_big", "id INT PRIMARY KEY, v LONGTEXT");
                Path file = Files.createTempFile("m_load_big", ".csv");
                try {
                    String value = "x".repeat(1 << 20);
                    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                        for (int i = 0; i < 20; i++) {
                            w.write(i + "," + value + "\n");
                        }
                    }
                    update(s.c(), out, "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE m_load_big FIELDS TERMINATED BY ','");
                    query(s.c(), out, "SELECT COUNT(*), SUM(LENGTH(v)) FROM m_load_big");
                    query(s.c(), out, "SELECT 'the connection goes on'");
                } finally {
                    Files.deleteIfExists(file);
                }
            }),
            of("connection attributes", "connectionAttributes=program:matrix,case:attrs", (s, out) -> {
                query(s.c(), out, "SELECT 1 AS connected");
            }),
            of("schema changes", (s, out) -> {
                exec(s.c(), "CREATE DATABASE IF NOT EXISTS m_schema");
                s.c().setCatalog("m_schema");
                out.line("catalog", s.c().getCatalog());
                query(s.c(), out, "SELECT DATABASE()");
                exec(s.c(), "USE app");
                query(s.c(), out, "SELECT DATABASE()");
                out.attempt("missing schema", () -> s.c().setCatalog("m_no_such_schema"));
                query(s.c(), out, "SELECT DATABASE()");
            }),
            of("temporary tables", (s, out) -> {
                exec(s.c(), "CREATE TEMPORARY TABLE m_tmp (id INT)");
                update(s.c(), out, "INSERT INTO m_tmp VALUES (1), (2)");
                query(s.c(), out, "SELECT COUNT(*) FROM m_tmp");
                exec(s.c(), "DROP TEMPORARY TABLE m_tmp");
            }),
            of("user locks", (s, out) -> {
                query(s.c(), out, "SELECT GET_LOCK('m_lock_name', 1)");
                query(s.c(), out, "SELECT IS_USED_LOCK('m_lock_name') IS NOT NULL");
                try (Connection other = s.open("")) {
                    query(other, out, "SELECT GET_LOCK('m_lock_name', 0)");
                }
                query(s.c(), out, "SELECT RELEASE_LOCK('m_lock_name')");
            }),
            of("found rows", (s, out) -> {
                query(s.c(), out, "SELECT SQL_CALC_FOUND_ROWS seq FROM seq_1_to_30 LIMIT 2");
                query(s.c(), out, "SELECT FOUND_ROWS()");
            }),
            of("a commit read at once on another connection (across connections)", (s, out) -> {
                table(s.c(), "m_ryw", KV);
                try (Connection other = s.open("")) {
                    for (int i = 0; i < 20; i++) {
                        exec(s.c(), "INSERT INTO m_ryw (k, v) VALUES (" + i + ", 'v')");
                        query(other, out, "SELECT COUNT(*) FROM m_ryw");
                    }
                }
            }),
            of("ping and validity", (s, out) -> {
                out.line("valid", s.c().isValid(5));
                out.line("closed", s.c().isClosed());
                out.line("autocommit", s.c().getAutoCommit());
            }),
            of("reset connection", (s, out) -> {
                exec(s.c(), "SET @kept = 1", "CREATE TEMPORARY TABLE m_reset (id INT)");
                if (s.mysqlDriver()) {
                    s.c().unwrap(com.mysql.cj.jdbc.JdbcConnection.class).resetServerState();
                } else {
                    s.c().unwrap(org.mariadb.jdbc.Connection.class).reset();
                }
                query(s.c(), out, "SELECT @kept");
                query(s.c(), out, "SELECT COUNT(*) FROM m_reset");
            }),
            of("change user (COM_CHANGE_USER)", (s, out) -> {
                if (!s.mysqlDriver()) {
                    out.line("MariaDB Connector/J has no change-user call");
                    return;
                }
                exec(s.c(), "SET @kept = 1", "USE mysql");
                var mysql = s.c().unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
                mysql.changeUser("admin", "admin");
                query(s.c(), out, "SELECT CURRENT_USER(), @kept, DATABASE()");
                out.attempt("wrong password", () -> mysql.changeUser("app", "not-the-password"));
                out.line("closed after a refused change", s.c().isClosed() || !s.c().isValid(5));
                try (Connection again = s.open("")) {
                    var m = again.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
                    m.changeUser("admin", "admin");
                    m.changeUser("app", "app");
                    query(again, out, "SELECT CURRENT_USER(), DATABASE()");
                }
            }),
            of("a long statement", (s, out) -> {
                StringBuilder in = new StringBuilder("SELECT COUNT(*) FROM seq_1_to_100000 WHERE seq IN (0");
                for (int i = 1; i < 20_000; i++) {
                    in.append(',').append(i * 3);
                }
                query(s.c(), out, in.append(")").toString());
            }),
            of("a pool returning and reusing connections", (s, out) -> {
                table(s.c(), "m_pool", KV);
                javax.sql.DataSource pool = s.pool(2);
                for (int i = 0; i < 12; i++) {
                    try (Connection c = pool.getConnection()) {
                        // what the next borrower finds: the pool put the previous one's changes back
                        out.line("borrowed", c.getAutoCommit(), c.getTransactionIsolation(), c.isReadOnly(),
                                c.getCatalog());
                        query(c, out, "SELECT @@autocommit, @@tx_isolation, DATABASE(), COUNT(*) FROM app.m_pool");
                        c.setAutoCommit(i % 2 == 0);
                        c.setTransactionIsolation(i % 3 == 0 ? Connection.TRANSACTION_READ_COMMITTED
                                : Connection.TRANSACTION_SERIALIZABLE);
                        if (i % 4 == 1) {
                            c.setCatalog("mysql");
                        }
                        update(c, out, "INSERT INTO app.m_pool (k, v) VALUES (" + i + ", 'p')");
                        if (!c.getAutoCommit()) {
                            if (i % 3 == 0) {
                                c.rollback();
                            } else {
                                c.commit();
                            }
                        }
                    }
                }
                // the pool's connections wrote it: a locking read goes to the primary (a plain one through the
                // splitting listener may be a replica's, behind by a moment: session causal reads)
                query(s.c(), out, "SELECT k FROM m_pool ORDER BY k FOR UPDATE");
            }),
            of("prepared statement reuse and NULLs", (s, out) -> {
                table(s.c(), "m_reuse", KV);
                try (PreparedStatement ps = s.c().prepareStatement("INSERT INTO m_reuse (k, v) VALUES (?, ?)")) {
                    for (int i = 0; i < 5; i++) {
                        ps.setInt(1, i);
                        if (i % 2 == 0) {
                            ps.setNull(2, Types.VARCHAR);
                        } else {
                            ps.setString(2, "");
                        }
                        out.line("update", ps.executeUpdate());
                    }
                }
                try (PreparedStatement ps = s.c().prepareStatement("SELECT k, v, v IS NULL FROM m_reuse WHERE k >= ?"
                        + " ORDER BY k")) {
                    for (int i = 0; i < 3; i++) {
                        ps.setInt(1, i * 2);
                        try (ResultSet rs = ps.executeQuery()) {
                            out.rows(rs);
                        }
                    }
                }
            }),
            of("updatable result set", (s, out) -> {
                table(s.c(), "m_upd", KV);
                exec(s.c(), "INSERT INTO m_upd (k, v) VALUES (1, 'a'), (2, 'b')");
                out.attempt("updatable", () -> {
                    try (Statement st = s.c().createStatement(ResultSet.TYPE_FORWARD_ONLY,
                            ResultSet.CONCUR_UPDATABLE);
                         ResultSet rs = st.executeQuery("SELECT id, k, v FROM m_upd ORDER BY id")) {
                        out.line("concurrency", rs.getConcurrency());
                        while (rs.next()) {
                            rs.updateString("v", rs.getString("v") + "!");
                            rs.updateRow();
                        }
                        rs.moveToInsertRow(); // MariaDB Connector/J: INSERT ... RETURNING, rows that end in an OK
                        rs.updateInt("k", 3);
                        rs.updateString("v", "inserted");
                        rs.insertRow();
                    }
                });
                query(s.c(), out, "SELECT k, v FROM m_upd ORDER BY k");
            }),
            of("scrollable result set", (s, out) -> {
                try (Statement st = s.c().createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
                        ResultSet.CONCUR_READ_ONLY);
                     ResultSet rs = st.executeQuery("SELECT seq FROM seq_1_to_10")) {
                    rs.last();
                    out.line("last", rs.getRow(), rs.getInt(1));
                    rs.absolute(3);
                    out.line("absolute 3", rs.getInt(1));
                    rs.previous();
                    out.line("previous", rs.getInt(1));
                    rs.relative(5);
                    out.line("relative 5", rs.getInt(1));
                    rs.beforeFirst();
                    out.line("next after beforeFirst", rs.next(), rs.getInt(1));
                    out.line("absolute 99", rs.absolute(99), rs.isAfterLast());
                }
            }),
            of("stored function through a callable statement", (s, out) -> {
                exec(s.c(), "DROP FUNCTION IF EXISTS m_twice",
                        "CREATE FUNCTION m_twice(a INT) RETURNS INT DETERMINISTIC RETURN a * 2");
                try (CallableStatement cs = s.c().prepareCall("{? = CALL m_twice(?)}")) {
                    cs.registerOutParameter(1, Types.INTEGER);
                    cs.setInt(2, 21);
                    cs.execute();
                    out.line("returned", cs.getInt(1));
                }
                query(s.c(), out, "SELECT m_twice(5), m_twice(NULL)");
            }),
            of("large update counts", (s, out) -> {
                table(s.c(), "m_large", "id INT PRIMARY KEY, v INT");
                out.attempt("insert", () -> {
                    try (Statement st = s.c().createStatement()) {
                        out.line("large update", st.executeLargeUpdate(
                                "INSERT INTO m_large SELECT seq, seq % 7 FROM seq_1_to_100000"));
                        out.line("large update", st.executeLargeUpdate("UPDATE m_large SET v = v + 1 WHERE v < 3"));
                        out.line("large update", st.executeLargeUpdate("DELETE FROM m_large WHERE v > 5"));
                    }
                });
                query(s.c(), out, "SELECT COUNT(*), SUM(v) FROM m_large");
            }),
            of("read-only connection", (s, out) -> {
                table(s.c(), "m_ro", "v INT");
                s.c().setReadOnly(true);
                out.line("read only", s.c().isReadOnly());
                query(s.c(), out, "SELECT COUNT(*) FROM m_ro");
                out.attempt("a write on a read-only connection", () -> {
                    s.c().setAutoCommit(false);
                    update(s.c(), out, "INSERT INTO m_ro VALUES (1)");
                    s.c().commit();
                    s.c().setAutoCommit(true);
                });
                s.c().setAutoCommit(true);
                s.c().setReadOnly(false);
                update(s.c(), out, "INSERT INTO m_ro VALUES (2)");
                query(s.c(), out, "SELECT v FROM m_ro");
            }),
            of("SQL-level prepared statements", (s, out) -> {
                execute(s.c(), out, "PREPARE m_stmt FROM 'SELECT ? * 2 AS twice, ? AS s'");
                execute(s.c(), out, "SET @a = 21, @s = 'str'");
                execute(s.c(), out, "EXECUTE m_stmt USING @a, @s");
                execute(s.c(), out, "DEALLOCATE PREPARE m_stmt");
                execute(s.c(), out, "EXECUTE m_stmt USING @a, @s");
            }),
            of("signals and diagnostics", (s, out) -> {
                execute(s.c(), out, "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a custom error', MYSQL_ERRNO = 1644");
                execute(s.c(), out, "GET DIAGNOSTICS CONDITION 1 @m_state = RETURNED_SQLSTATE, @m_errno = MYSQL_ERRNO");
                query(s.c(), out, "SELECT @m_state, @m_errno");
                execute(s.c(), out, "SELECT * FROM no_such_table_for_diagnostics");
                query(s.c(), out, "SHOW ERRORS");
            }),
            of("UUID, INET6 and JSON columns", (s, out) -> {
                table(s.c(), "m_typed", "id INT PRIMARY KEY, u UUID, i INET6, j JSON");
                update(s.c(), out, "INSERT INTO m_typed VALUES (1, '123e4567-e89b-12d3-a456-426614174000', '::1',"
                        + " '{\"a\": [1, 2]}')");
                query(s.c(), out, "SELECT * FROM m_typed");
                out.attempt("prepared", () -> {
                    try (PreparedStatement ps = s.c().prepareStatement("SELECT u, i, j FROM m_typed WHERE u = ?")) {
                        ps.setString(1, "123e4567-e89b-12d3-a456-426614174000");
                        try (ResultSet rs = ps.executeQuery()) {
                            out.rows(rs);
                        }
                    }
                });
            }),
            of("connection warnings", (s, out) -> {
                exec(s.c(), "SET SESSION sql_mode = ''");
                try (Statement st = s.c().createStatement()) {
                    st.execute("SELECT CAST('12abc' AS SIGNED), CAST('x' AS DOUBLE)");
                    out.warnings(st.getWarnings());
                    st.clearWarnings();
                    out.line("after clear", st.getWarnings());
                }
                query(s.c(), out, "SHOW WARNINGS");
                query(s.c(), out, "SELECT @@warning_count");
            }),
            of("zero and ancient dates", "zeroDateTimeBehavior=CONVERT_TO_NULL", (s, out) -> {
                exec(s.c(), "SET SESSION sql_mode = ''");
                table(s.c(), "m_dates", "id INT PRIMARY KEY, d DATE, dt DATETIME");
                update(s.c(), out, "INSERT INTO m_dates VALUES (1, '0000-00-00', '0000-00-00 00:00:00'),"
                        + " (2, '0001-01-01', '1000-01-01 00:00:00'), (3, '9999-12-31', '9999-12-31 23:59:59')");
                query(s.c(), out, "SELECT id, d, dt FROM m_dates ORDER BY id");
            }));
}
