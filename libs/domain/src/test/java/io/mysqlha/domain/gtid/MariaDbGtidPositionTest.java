package io.mysqlha.domain.gtid;

import io.mysqlha.domain.Flavour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MariaDbGtidPositionTest {

    @Test
    void shouldParseWhatMariaDbPrints() {
        // `SELECT @@gtid_current_pos` on a 10.11 replica replicating two domains.
        MariaDbGtidPosition pos = MariaDbGtidPosition.parse("0-1-1042,1-3-17");
        assertEquals(1042, pos.seq(0));
        assertEquals(17, pos.seq(1));
        assertEquals(0, pos.seq(7));
        assertEquals("0-1-1042,1-3-17", pos.toString());
        assertEquals(Flavour.MARIADB, GtidPosition.parse(Flavour.MARIADB, "0-1-5").flavour());
    }

    @Test
    void shouldKeepTheHighestEntryOfADomainFromBinlogState() {
        // `@@gtid_binlog_state` after a failover lists the last GTID of each server of the domain.
        MariaDbGtidPosition state = MariaDbGtidPosition.parse("0-1-100,0-2-130");
        assertEquals("0-2-130", state.toString());
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "0-1-100       | 0-1-99        | true",
            "0-1-100       | 0-1-100       | true",
            "0-1-100       | 0-1-101       | false",
            "0-2-130       | 0-1-100       | true",
            "0-1-100       | 0-1-50,1-2-1  | false",
            "0-1-100,1-2-3 | 1-2-3         | true",
            "0-1-100       | ''            | true",
            "''            | 0-1-1         | false",
    })
    void shouldAnswerContainmentPerDomain(String a, String b, boolean expected) {
        assertEquals(expected, MariaDbGtidPosition.parse(a).contains(MariaDbGtidPosition.parse(b)));
    }

    @Test
    void shouldSubtractToTheMissingRangePerDomain() {
        MariaDbGtidPosition oldPrimary = MariaDbGtidPosition.parse("0-1-105,1-1-9");
        MariaDbGtidPosition newPrimary = MariaDbGtidPosition.parse("0-1-102");
        assertEquals(List.of(new MariaDbGtidPosition.Range(0, 103, 105), new MariaDbGtidPosition.Range(1, 1, 9)),
                oldPrimary.subtract(newPrimary));
        assertEquals(12, oldPrimary.transactionsNotIn(newPrimary));
        assertEquals(0, newPrimary.transactionsNotIn(oldPrimary));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0-1", "a-b-c", "0-1-2-3", "-1-2-3", "0-1-x"})
    void shouldRefuseMalformedPositions(String text) {
        GtidParseException e = assertThrows(GtidParseException.class, () -> MariaDbGtidPosition.parse(text));
        assertTrue(e.getMessage().contains("domain-server-seq"), e.getMessage());
    }

    @Test
    void shouldTreatEmptyAsNothingExecuted() {
        assertTrue(MariaDbGtidPosition.parse("").isEmpty());
        assertTrue(GtidPosition.empty(Flavour.MARIADB).isEmpty());
    }

    @Test
    void shouldUniteToTheFurtherPositionPerDomain() {
        GtidPosition united = MariaDbGtidPosition.parse("0-1-10,1-2-5").union(MariaDbGtidPosition.parse("0-2-12,2-3-1"));
        assertEquals("0-2-12,1-2-5,2-3-1", united.toString());
    }
}
