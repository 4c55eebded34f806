package io.mysqlha.gateway.sql;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DigestTest {
    private final Digest digest = new Digest();

    @Test
    void literalsBecomeQuestionMarksAndCommentsAndSpacesGo() {
        assertEquals("SELECT c FROM sbtest1 WHERE id = ?", digest.text("SELECT c FROM sbtest1 WHERE id=5012"));
        assertEquals("SELECT c FROM sbtest1 WHERE id = ?",
                digest.text("SELECT  c\n FROM sbtest1 /* hi */ WHERE id = 'x' -- trailing\n"));
        assertEquals("SELECT * FROM t WHERE a = ? AND b = ? AND c = ?",
                digest.text("SELECT * FROM t WHERE a = X'1F' AND b = _utf8mb4'x' AND c = 1.5e3"));
    }

    @Test
    void runsOfLiteralsFold() {
        assertEquals("SELECT * FROM t WHERE id IN (?,?,?,...)",
                digest.text("SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5)"));
        assertEquals("SELECT * FROM t WHERE id IN (?)", digest.text("SELECT * FROM t WHERE id IN (1)"));
        assertEquals(digest.hash("SELECT * FROM t WHERE id IN (1,2,3,4)"),
                digest.hash("select * from t where id in (7, 8, 9, 10, 11)"));
        assertEquals("INSERT INTO t (a, b) VALUES (?,?), (?,?)",
                digest.text("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')"));
        assertEquals("SELECT * FROM t WHERE a >= ? AND b != ?", digest.text("SELECT * FROM t WHERE a>=1 AND b!=2"));
    }

    @Test
    void statementsThatDifferOnlyInLiteralsOrKeywordCaseShareAHash() {
        assertEquals(digest.hash("SELECT c FROM sbtest1 WHERE id=1"), digest.hash("select c from sbtest1 where id = 99"));
        assertEquals(digest.hash("SELECT 1"), digest.hash("SELECT 2;"));
        assertNotEquals(digest.hash("SELECT c FROM sbtest1 WHERE id=1"), digest.hash("SELECT c FROM sbtest2 WHERE id=1"));
        assertNotEquals(digest.hash("SELECT a FROM t"), digest.hash("SELECT b FROM t"));
        assertNotEquals(digest.hash("SELECT ab FROM t"), digest.hash("SELECT a b FROM t"));
    }

    @Test
    void variablesAndFunctionsStayAsWritten() {
        assertEquals("SELECT @@server_id", digest.text("SELECT @@server_id"));
        assertEquals("SELECT GET_LOCK(?,?)", digest.text("SELECT GET_LOCK('x', 10)"));
        assertEquals("SET @x = ?", digest.text("SET @x = 5"));
        assertEquals("SELECT `a`.`b` FROM `t`", digest.text("SELECT `a`.`b` FROM `t`"));
    }
}
