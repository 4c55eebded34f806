package io.mysqlha.gateway.split;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class CausalReadsTest {
    @Test
    void aSessionThatWroteNothingReadsAtOnce() {
        assertInstanceOf(CausalReads.Read.class, new CausalReads(50).beforeRead(true));
    }

    @Test
    void theFirstReadAfterAWriteWaitsForItsGtidThenReadsGoStraightToTheReader() {
        CausalReads c = new CausalReads(50);
        c.wrote("0-1-42");
        CausalReads.Wait wait = assertInstanceOf(CausalReads.Wait.class, c.beforeRead(true));
        assertEquals("SELECT MASTER_GTID_WAIT('0-1-42', 0.050)", wait.statement());
        c.waited("0-1-42", true);
        assertInstanceOf(CausalReads.Read.class, c.beforeRead(true));
        c.wrote("0-1-43");
        assertInstanceOf(CausalReads.Wait.class, c.beforeRead(true), "a newer write: wait again");
    }

    @Test
    void aReaderThatDidNotCatchUpSendsThatReadToTheWriterAndIsAskedAgainWithoutWaiting() {
        CausalReads c = new CausalReads(50);
        c.wrote("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
        c.waited("3e11fa47-71ca-11e1-9e33-c80aa9429562:23", false);
        assertInstanceOf(CausalReads.Writer.class, c.beforeRead(false));
        CausalReads.Wait again = assertInstanceOf(CausalReads.Wait.class, c.beforeRead(false));
        assertEquals(0, again.timeoutMs());
        assertEquals("SELECT IF(GTID_SUBSET('3e11fa47-71ca-11e1-9e33-c80aa9429562:23', @@GLOBAL.gtid_executed), 0, 1)",
                again.statement(), "MySQL waits for ever with a timeout of 0: it is asked, not waited on");
        CausalReads maria = new CausalReads(50);
        maria.wrote("0-1-7");
        maria.waited("0-1-7", false);
        maria.beforeRead(true);
        assertEquals("SELECT MASTER_GTID_WAIT('0-1-7', 0.000)", ((CausalReads.Wait) maria.beforeRead(true)).statement(),
                "MariaDB's 0 returns at once");
    }

    @Test
    void readsAtOnceSaysWhetherTheNextReadGoesStraightToTheReaderWithoutDecidingIt() {
        CausalReads c = new CausalReads(50);
        assertTrue(c.readsAtOnce(), "nothing written");
        c.wrote("0-1-9");
        assertFalse(c.readsAtOnce(), "a write the reader is not known to have");
        assertFalse(c.readsAtOnce(), "asking changed nothing");
        assertInstanceOf(CausalReads.Wait.class, c.beforeRead(true));
        c.waited("0-1-9", true);
        assertTrue(c.readsAtOnce());
        c.writerOnce();
        assertFalse(c.readsAtOnce(), "the writer answers the next read");
        assertInstanceOf(CausalReads.Writer.class, c.beforeRead(true), "and still does after the question");
    }

    @Test
    void anotherReaderKnowsNothingAndAGtidThatIsNotOneNeverGoesIntoAStatement() {
        CausalReads c = new CausalReads(50);
        c.wrote("0-1-5");
        c.waited("0-1-5", true);
        c.readerChanged();
        assertInstanceOf(CausalReads.Wait.class, c.beforeRead(true));
        c.wrote("0-1-6'); DROP TABLE t; --");
        assertInstanceOf(CausalReads.Writer.class, c.beforeRead(true));
        assertInstanceOf(CausalReads.Writer.class, c.beforeRead(true));
    }
}
