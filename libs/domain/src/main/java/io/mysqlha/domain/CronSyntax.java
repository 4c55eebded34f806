package io.mysqlha.domain;

import java.util.Optional;

/** Checks a five-field cron expression (minute hour day-of-month month day-of-week) without running it. */
public final class CronSyntax {
    private static final String[] NAMES = {"minute", "hour", "day of month", "month", "day of week"};
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

    private CronSyntax() {
    }

    /** The problem with the expression, or empty when it is well formed. */
    public static Optional<String> check(String expression) {
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            return Optional.of("five fields (minute hour day-of-month month day-of-week), e.g. '0 3 * * *'; got "
                    + fields.length + " in '" + expression + "'");
        }
        for (int i = 0; i < 5; i++) {
            for (String part : fields[i].split(",", -1)) {
                Optional<String> problem = checkPart(part, RANGES[i][0], RANGES[i][1]);
                if (problem.isPresent()) {
                    return Optional.of(NAMES[i] + " field '" + fields[i] + "': " + problem.get());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkPart(String part, int min, int max) {
        String range = part;
        int slash = part.indexOf('/');
        if (slash >= 0) {
            range = part.substring(0, slash);
            Integer step = number(part.substring(slash + 1));
            if (step == null || step < 1) {
                return Optional.of("step after '/' must be a positive number");
            }
        }
        if (range.equals("*")) {
            return Optional.empty();
        }
        String[] bounds = range.split("-", -1);
        if (bounds.length > 2) {
            return Optional.of("'" + part + "' is not a value, a range a-b or a step */n");
        }
        Integer low = number(bounds[0]);
        Integer high = bounds.length == 2 ? number(bounds[1]) : low;
        if (low == null || high == null || low < min || high > max || low > high) {
            return Optional.of("values " + min + ".." + max + "; got '" + part + "'");
        }
        return Optional.empty();
    }

    private static Integer number(String s) {
        if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.parseInt(s);
    }
}
