package io.mysqlha.domain;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CronSyntaxTest {

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0 3 * * *         | ok",
            "*/15 * * * 1-5    | ok",
            "0,30 1-5/2 1 1 0  | ok",
            "0 3 * *           | five fields",
            "60 3 * * *        | minute field",
            "0 3 * * 8         | day of week field",
            "0 3 */0 * *       | day of month field '*/0': step after",
            "0 3 5-1 * *       | day of month field",
            "a b c d e         | minute field",
    })
    void shouldCheckFiveFieldCron(String expression, String expected) {
        String result = CronSyntax.check(expression).map(m -> m.substring(0, Math.min(m.length(), expected.length())))
                .orElse("ok");
        assertEquals(expected, result);
    }
}
