package io.mysqlha.gateway.split;

import io.mysqlha.domain.QueryRule;
import io.mysqlha.gateway.sql.Classifier;
import io.mysqlha.gateway.sql.Statement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.mysqlha.gateway.split.SplitRouter.Target.PREVIOUS;
import static io.mysqlha.gateway.split.SplitRouter.Target.READER;
import static io.mysqlha.gateway.split.SplitRouter.Target.WRITER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitRouterTest {
    private final Classifier classifier = new Classifier();

    private SplitRouter.Target route(String sql, boolean inTransaction, boolean autocommit, boolean pinned) {
        return SplitRouter.target(classifier.classify(sql), inTransaction, autocommit, pinned, null);
    }

    private String pin(String sql) {
        return SplitRouter.pinReason(classifier.classify(sql), Set.of("sql_big_selects"));
    }

    @Test
    void readsGoToAReaderOnlyOutsideTransactionsWithAutocommitAndUnpinned() {
        assertEquals(READER, route("SELECT c FROM t WHERE id = 1", false, true, false));
        assertEquals(READER, route("SHOW TABLES", false, true, false));
        assertEquals(WRITER, route("SELECT c FROM t WHERE id = 1", true, true, false));
        assertEquals(WRITER, route("SELECT c FROM t WHERE id = 1", false, false, false), "autocommit=0");
        assertEquals(WRITER, route("SELECT c FROM t WHERE id = 1", false, true, true), "pinned");
        assertEquals(WRITER, route("SELECT c FROM t WHERE id = 1 FOR UPDATE", false, true, false));
        assertEquals(WRITER, route("UPDATE t SET c = 1", false, true, false));
        assertEquals(WRITER, route("SELECT * FROM t WHERE 'unterminated", false, true, false), "unknown: writer");
        assertEquals(PREVIOUS, route("SHOW WARNINGS", false, true, false));
        assertEquals(WRITER, route("SHOW WARNINGS", true, true, false), "in a transaction everything is on the writer");
    }

    @Test
    void rulesDecideBeforeTheKindButNeverSendALockingReadOrAnUnknownStatementToAReader() {
        Statement select = classifier.classify("SELECT * FROM reports");
        assertEquals(WRITER, SplitRouter.target(select, false, true, false, QueryRule.Destination.WRITER));
        Statement update = classifier.classify("SELECT * FROM t FOR UPDATE");
        assertEquals(WRITER, SplitRouter.target(update, false, true, false, QueryRule.Destination.READER));
        Statement call = classifier.classify("CALL report()");
        assertEquals(READER, SplitRouter.target(call, false, true, false, QueryRule.Destination.READER));
        assertEquals(WRITER, SplitRouter.target(select, true, true, false, QueryRule.Destination.READER));
    }

    @Test
    void whatCannotBeCarriedPinsWithItsReason() {
        assertEquals("user variables", pin("SET @x = 1"));
        assertEquals("user variables", pin("SELECT @x"));
        assertEquals("named locks (GET_LOCK)", pin("SELECT GET_LOCK('a', 1)"));
        assertEquals("SQL_CALC_FOUND_ROWS / FOUND_ROWS()", pin("SELECT SQL_CALC_FOUND_ROWS * FROM t"));
        assertEquals("temporary tables", pin("CREATE TEMPORARY TABLE x (a INT)"));
        assertEquals("LOCK TABLES", pin("LOCK TABLES t WRITE"));
        assertEquals("SQL PREPARE / EXECUTE", pin("PREPARE s FROM 'SELECT 1'"));
        assertEquals("several statements in one query", pin("SELECT 1; SELECT 2"));
        assertEquals("SET optimizer_prune_level", pin("SET optimizer_prune_level = 1"));
        assertEquals("SET ROLE", pin("SET ROLE admin"));
        assertNull(pin("SET sql_big_selects = 0"), "the spec carries it");
        assertNull(pin("SET time_zone = '+00:00', NAMES utf8mb4"));
        assertNull(pin("SET GLOBAL max_connections = 10"), "not this session's state");
        assertNull(pin("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"), "the next transaction: on the writer");
        assertNull(pin("SELECT LAST_INSERT_ID()"), "the writer answers it, nothing stays behind");
        assertNull(pin("SELECT c FROM t"));
    }

    @Test
    void onlySessionScopedSetsAreStateToCarry() {
        assertTrue(SplitRouter.isSessionState(classifier.classify("SET time_zone = '+00:00'")));
        assertTrue(SplitRouter.isSessionState(classifier.classify("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")));
        assertFalse(SplitRouter.isSessionState(classifier.classify("SET GLOBAL max_connections = 1")));
        assertFalse(SplitRouter.isSessionState(classifier.classify("SET TRANSACTION READ ONLY")));
        assertFalse(SplitRouter.isSessionState(classifier.classify("SET @x = 1")));
        assertFalse(SplitRouter.isSessionState(classifier.classify("SELECT 1")));
    }

    @Test
    void writesAreWhatMayChangeData() {
        assertTrue(classifier.classify("UPDATE t SET a = 1").mayWrite());
        assertTrue(classifier.classify("CALL p()").mayWrite());
        assertTrue(classifier.classify("SELECT NEXTVAL(s)").mayWrite());
        assertFalse(classifier.classify("SELECT * FROM t FOR UPDATE").mayWrite(), "a locking read");
        assertFalse(classifier.classify("SET time_zone = '+00:00'").mayWrite());
        assertFalse(classifier.classify("BEGIN").mayWrite());
        assertFalse(classifier.classify("SHOW TABLES").mayWrite());
    }

    @Test
    void sessionStateReplaysTheLatestSetOfEachGroupInOrder() {
        SessionState s = new SessionState();
        long v0 = s.version();
        s.set("time_zone", "SET time_zone = '+01:00'");
        s.set("sql_mode", "SET sql_mode = ''");
        s.set("time_zone", "SET time_zone = '+02:00'");
        assertEquals(List.of("SET sql_mode = ''", "SET time_zone = '+02:00'"), s.statements());
        assertTrue(s.version() > v0);
        long v1 = s.version();
        s.touch();
        assertTrue(s.version() > v1, "a schema change moves the version too");
        s.reset();
        assertTrue(s.isEmpty());
    }

    @Test
    void queryRulesMatchInOrderAndApplyStops() {
        QueryRules rules = new QueryRules(List.of(
                new QueryRule("reports", "^SELECT .* FROM reports", null, null, null, null,
                        QueryRule.Destination.READER, false),
                new QueryRule("reports-of-admin", null, null, null, "admin", null, QueryRule.Destination.WRITER, true),
                new QueryRule("by-digest", null, "WHERE id = \\?$", null, null, "shop", QueryRule.Destination.WRITER,
                        true),
                new QueryRule("not-selects", "^SELECT", null, true, null, null, QueryRule.Destination.WRITER, true)));
        assertEquals(QueryRule.Destination.READER, rules.evaluate(() -> "SELECT a FROM reports", () -> "", "app",
                null));
        assertEquals(QueryRule.Destination.WRITER, rules.evaluate(() -> "SELECT a FROM reports", () -> "", "admin",
                null), "a later match overrides a rule without apply");
        assertEquals(QueryRule.Destination.WRITER, rules.evaluate(() -> "SELECT a FROM t WHERE id = 5",
                () -> "SELECT a FROM t WHERE id = ?", "app", "shop"));
        assertNull(rules.evaluate(() -> "SELECT a FROM t WHERE id = 5", () -> "SELECT a FROM t WHERE id = ?", "app",
                "other"), "the schema filter");
        assertEquals(QueryRule.Destination.WRITER, rules.evaluate(() -> "UPDATE t SET a = 1", () -> "", "app",
                null), "negated pattern");
        assertEquals(2, rules.rules().getFirst().hitCount());
        assertTrue(rules.needsDigest());
    }
}
