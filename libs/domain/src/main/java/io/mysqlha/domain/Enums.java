package io.mysqlha.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The spelling of enum values in specs and in error messages that list the allowed values. */
public final class Enums {
    private Enums() {
    }

    public static String specNames(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
