package io.mysqlha.gateway.sql;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classifier over the statements in {@code classifier-cases.txt}: sysbench's, both JDBC drivers' own, ORM output,
 * mysqldump's, and the odd ones. Each line says the kind, whether a replica may answer it, every flag, and for SET
 * the variables.
 */
class ClassifierTest {
    private static final Map<String, Integer> FLAGS = Map.ofEntries(
            Map.entry("locking", Statement.F_LOCKING), Map.entry("no_table", Statement.F_NO_TABLE),
            Map.entry("user_var", Statement.F_USER_VARIABLE), Map.entry("named_lock", Statement.F_NAMED_LOCK),
            Map.entry("found_rows", Statement.F_FOUND_ROWS), Map.entry("last_insert_id", Statement.F_LAST_INSERT_ID),
            Map.entry("temporary", Statement.F_TEMPORARY_TABLE), Map.entry("writes", Statement.F_WRITES),
            Map.entry("previous", Statement.F_PREVIOUS_STATEMENT), Map.entry("read_only", Statement.F_READ_ONLY),
            Map.entry("global", Statement.F_GLOBAL), Map.entry("server_state", Statement.F_SERVER_STATE));

    @TestFactory
    List<DynamicTest> everyCase() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        Classifier classifier = new Classifier();
        try (InputStream in = getClass().getResourceAsStream("/classifier-cases.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int n = 0; n < lines.length; n++) {
                String line = lines[n];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int bar = line.indexOf(" | ");
                String sql = line.substring(bar + 3).replace("\\n", "\n").replace("\\t", "\t");
                String[] expect = line.substring(0, bar).trim().split(" ", 3);
                int lineNo = n + 1;
                tests.add(DynamicTest.dynamicTest("line " + lineNo + ": " + sql, () -> {
                    Statement s = classifier.classify(sql);
                    assertEquals(StatementKind.valueOf(expect[0]), s.kind(), "kind of: " + sql);
                    assertEquals(expect[1].equals("read"), s.isRead(), "read or write: " + sql);
                    String rest = expect.length > 2 ? expect[2] : "";
                    String detail = null;
                    int at = rest.indexOf("detail=");
                    if (at >= 0) {
                        detail = rest.substring(at + 7);
                        rest = rest.substring(0, at);
                    }
                    TreeSet<String> wanted = new TreeSet<>(Arrays.stream(rest.trim().split(" "))
                            .filter(f -> !f.isEmpty()).toList());
                    TreeSet<String> got = new TreeSet<>();
                    FLAGS.forEach((name, bit) -> {
                        if (s.has(bit)) {
                            got.add(name);
                        }
                    });
                    assertEquals(wanted, got, "flags of: " + sql);
                    if (detail != null) {
                        assertEquals(detail, s.detail(), "detail of: " + sql);
                    }
                }));
            }
        }
        assertTrue(tests.size() > 300, "the table holds " + tests.size() + " statements");
        return tests;
    }

    @Test
    void aStatementLongerThanTheLimitIsReadOnlyThatFarAndASelectThenIsUnknown() {
        Classifier small = new Classifier(64);
        String select = "SELECT * FROM t WHERE a IN (" + "1,".repeat(100) + "1) FOR UPDATE";
        assertEquals(StatementKind.UNKNOWN, small.classify(select).kind());
        String insert = "INSERT INTO t VALUES (" + "1,".repeat(100) + "1)";
        assertEquals(StatementKind.DML, small.classify(insert).kind());
    }

    @Test
    void aMegabyteStatementAndADeeplyNestedCommentAreReadInOnePass() {
        Classifier classifier = new Classifier();
        String big = "SELECT * FROM t WHERE c = '" + "x".repeat(1 << 20) + "'";
        assertEquals(StatementKind.UNKNOWN, classifier.classify(big).kind()); // past the limit: to the writer
        String nested = "/* " + "/* ( ".repeat(10_000) + " */ SELECT 1"; // MySQL does not nest: the first */ ends it
        assertEquals(StatementKind.SELECT, classifier.classify(nested).kind());
        String parens = "SELECT " + "(".repeat(20_000) + "1" + ")".repeat(20_000) + " FROM t";
        assertEquals(StatementKind.SELECT, classifier.classify(parens).kind());
        assertTrue(classifier.classify(parens).isRead());
    }
}
