package io.mysqlha.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatementStartTest {
    private static boolean is(String statement, String keyword) {
        ByteBuf b = Unpooled.copiedBuffer("xx" + statement, StandardCharsets.UTF_8);
        return StatementStart.is(b, 2, b.writerIndex(), keyword);
    }

    @Test
    void shouldFindTheKeywordWithoutDecodingTheStatement() {
        assertTrue(is("USE app", "use"));
        assertTrue(is(" \n\tuse `app`;", "use"));
        assertTrue(is("Kill Query 5", "kill"));
        assertFalse(is("USER()", "use"), "a longer word");
        assertFalse(is("SELECT 1", "use"));
        assertFalse(is("use", "use"), "nothing after it");
        assertFalse(is("", "kill"));
    }
}
