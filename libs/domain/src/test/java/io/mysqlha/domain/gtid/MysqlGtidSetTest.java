package io.mysqlha.domain.gtid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MysqlGtidSetTest {

    // As `SELECT @@gtid_executed` prints it on a MySQL 8.0 replica that has had two primaries.
    private static final String REPLICA_EXECUTED = """
            3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:11-18,
            fbc9a2b5-35e5-11ee-b66d-0242ac120002:1-27""";

    @Test
    void shouldParseServerOutputIntoCanonicalText() {
        MysqlGtidSet set = MysqlGtidSet.parse(REPLICA_EXECUTED);
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:11-18,fbc9a2b5-35e5-11ee-b66d-0242ac120002:1-27",
                set.toString());
        assertEquals(5 + 8 + 27, set.count());
    }

    @Test
    void shouldMergeAdjacentAndOverlappingIntervals() {
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-20",
                MysqlGtidSet.parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:6-10:8-20").toString());
    }

    @Test
    void shouldKeepTaggedTransactionsApartFromUntaggedOnes() {
        MysqlGtidSet set = MysqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:mysqlha:1-3");
        assertEquals(8, set.count());
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,3e11fa47-71ca-11e1-9e33-c80aa9429562:mysqlha:1-3",
                set.toString());
        assertEquals(set, MysqlGtidSet.parse(set.toString()));
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10 | 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5   | true",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10 | 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10  | true",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10 | 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-11  | false",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-4:6-10 | 3e11fa47-71ca-11e1-9e33-c80aa9429562:5 | false",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10 | fbc9a2b5-35e5-11ee-b66d-0242ac120002:1     | false",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10 | ''                                          | true",
    })
    void shouldAnswerContainment(String a, String b, boolean expected) {
        assertEquals(expected, MysqlGtidSet.parse(a).contains(MysqlGtidSet.parse(b)));
    }

    @Test
    void shouldSubtractToWhatOnlyTheFirstHas() {
        MysqlGtidSet primary = MysqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-100,"
                + "fbc9a2b5-35e5-11ee-b66d-0242ac120002:1-3");
        MysqlGtidSet replica = MysqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-40:42-97");
        MysqlGtidSet missing = primary.subtract(replica);
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:41:98-100,fbc9a2b5-35e5-11ee-b66d-0242ac120002:1-3",
                missing.toString());
        assertEquals(7, primary.transactionsNotIn(replica));
        assertTrue(replica.subtract(primary).isEmpty());
    }

    @Test
    void shouldUniteSets() {
        MysqlGtidSet a = MysqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
        MysqlGtidSet b = MysqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:6-9:20");
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9:20", a.union(b).toString());
    }

    @Test
    void shouldTreatEmptyServerOutputAsEmptySet() {
        assertTrue(MysqlGtidSet.parse("").isEmpty());
        assertTrue(MysqlGtidSet.parse(null).isEmpty());
        assertEquals("", MysqlGtidSet.parse("\n").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not-a-uuid:1-5 | is not a server uuid",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-1 | must be n or n-m",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:0 | must be n or n-m",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562 | has no transaction interval",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-2-3 | must be n or n-m",
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:$x | neither an interval",
    })
    void shouldRefuseMalformedSetsSayingWhichPart(String text, String expectedMessage) {
        GtidParseException e = assertThrows(GtidParseException.class, () -> MysqlGtidSet.parse(text));
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
    }

    @Test
    void shouldRefuseToCompareAcrossFlavours() {
        assertThrows(IllegalArgumentException.class, () ->
                MysqlGtidSet.parse("").contains(MariaDbGtidPosition.parse("0-1-1")));
        assertFalse(MysqlGtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1").isEmpty());
    }

    @Test
    void streamsAreSourcesAndTheirHighestNumbers() {
        MysqlGtidSet set = MysqlGtidSet.parse(REPLICA_EXECUTED);
        assertEquals(java.util.Set.of("3e11fa47-71ca-11e1-9e33-c80aa9429562", "fbc9a2b5-35e5-11ee-b66d-0242ac120002"),
                set.streams());
        assertEquals(18, set.highest("3e11fa47-71ca-11e1-9e33-c80aa9429562"), "past the hole 6-10");
        assertEquals(0, set.highest("00000000-0000-0000-0000-000000000000"));
        assertEquals(java.util.Set.of(), MysqlGtidSet.parse("").streams());
        MariaDbGtidPosition m = MariaDbGtidPosition.parse("0-1-100,2-3-7");
        assertEquals(java.util.Set.of("0", "2"), m.streams());
        assertEquals(7, m.highest("2"));
        assertEquals(0, m.highest("1"));
    }
}
