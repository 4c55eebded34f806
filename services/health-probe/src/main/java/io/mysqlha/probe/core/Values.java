package io.mysqlha.probe.core;

import java.util.Locale;
import java.util.Map;

/** Reading server-printed values: ON/OFF/1/0/Yes, numbers, and empty as absent. */
final class Values {
    private Values() {
    }

    static Boolean bool(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "ON", "1", "YES", "TRUE" -> true;
            case "OFF", "0", "NO", "FALSE" -> false;
            default -> null;
        };
    }

    static boolean isTrue(String value) {
        return Boolean.TRUE.equals(bool(value));
    }

    static Long number(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("NULL")) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static long numberOr(String value, long otherwise) {
        Long n = number(value);
        return n == null ? otherwise : n;
    }

    static Integer integer(String value) {
        Long n = number(value);
        return n == null ? null : n.intValue();
    }

    static double decimal(String value) {
        try {
            return value == null ? 0 : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Empty text means "none" in server output. */
    static String text(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** The first present of several names (e.g. source/master spellings of one status). */
    static String first(Map<String, String> values, String... names) {
        for (String n : names) {
            String v = values.get(n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
