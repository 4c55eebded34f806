package io.mysqlha.domain;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Optional;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week) that says when it fires next, as cron
 * does: when both day fields are restricted, a day matching either fires; day of week 0 and 7 are Sunday. Pure.
 */
public final class CronSchedule {
    private final String expression;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet days;
    private final BitSet months;
    private final BitSet weekdays;
    private final boolean anyDay;
    private final boolean anyWeekday;

    private CronSchedule(String expression, String[] f) {
        this.expression = expression;
        this.minutes = bits(f[0], 0, 59);
        this.hours = bits(f[1], 0, 23);
        this.days = bits(f[2], 1, 31);
        this.months = bits(f[3], 1, 12);
        BitSet w = bits(f[4], 0, 7);
        if (w.get(7)) {
            w.set(0);
        }
        this.weekdays = w;
        this.anyDay = f[2].equals("*");
        this.anyWeekday = f[4].equals("*");
    }

    /** Parses {@code expression}; a malformed one is refused with what {@link CronSyntax} says is wrong. */
    public static CronSchedule parse(String expression) {
        Optional<String> problem = CronSyntax.check(expression);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("cron expression: " + problem.get());
        }
        return new CronSchedule(expression.trim(), expression.trim().split("\\s+"));
    }

    /** The first minute strictly after {@code after} at which the schedule fires, in {@code zone}. */
    public Instant next(Instant after, ZoneId zone) {
        LocalDateTime t = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDate limit = t.toLocalDate().plusYears(5); // 31 February never comes
        while (t.toLocalDate().isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                ZonedDateTime z = t.atZone(zone);
                if (z.toLocalDateTime().equals(t)) {
                    return z.toInstant();
                }
                t = t.plusMinutes(1); // a local time skipped by a daylight-saving change
            }
        }
        throw new IllegalStateException("cron '" + expression + "' never fires (no such date)");
    }

    private boolean dayMatches(LocalDate d) {
        boolean day = days.get(d.getDayOfMonth());
        boolean weekday = weekdays.get(d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : d.getDayOfWeek().getValue());
        if (anyDay && anyWeekday) {
            return true;
        }
        if (anyDay) {
            return weekday;
        }
        if (anyWeekday) {
            return day;
        }
        return day || weekday;
    }

    private static BitSet bits(String field, int min, int max) {
        BitSet set = new BitSet(max + 1);
        for (String part : field.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(part.substring(slash + 1));
                range = part.substring(0, slash);
            }
            int low;
            int high;
            if (range.equals("*")) {
                low = min;
                high = max;
            } else {
                String[] b = range.split("-");
                low = Integer.parseInt(b[0]);
                high = b.length == 2 ? Integer.parseInt(b[1]) : (slash >= 0 ? max : low);
            }
            for (int v = low; v <= high; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    @Override
    public String toString() {
        return expression;
    }
}
