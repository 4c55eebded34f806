package io.mysqlha.domain.gtid;

import io.mysqlha.domain.Flavour;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A MySQL GTID set, as in {@code @@gtid_executed}: {@code uuid:1-5:11-18,uuid2:1-27}, with MySQL 8.4's
 * tagged form {@code uuid:tag:1-3} (a tag applies to the intervals that follow it).
 * Immutable; intervals are kept sorted and merged, so equal sets have equal text.
 * See https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
 */
public final class MysqlGtidSet implements GtidPosition {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,31}");

    /** Source id ({@code uuid} or {@code uuid:tag}) to sorted, disjoint, non-adjacent intervals. */
    private final Map<String, List<Interval>> sources;

    /** Transaction numbers {@code first..last}, both inclusive. */
    public record Interval(long first, long last) {
        public long size() {
            return last - first + 1;
        }
    }

    private MysqlGtidSet(Map<String, List<Interval>> sources) {
        this.sources = sources;
    }

    public static MysqlGtidSet parse(String text) {
        Map<String, List<Interval>> raw = new TreeMap<>();
        if (text == null) {
            return new MysqlGtidSet(raw);
        }
        for (String entry : text.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split(":");
            if (!UUID.matcher(parts[0].strip()).matches()) {
                throw new GtidParseException("MySQL GTID set: '" + parts[0] + "' in '" + trimmed
                        + "' is not a server uuid (expected uuid:1-5)");
            }
            String uuid = canonicalUuid(parts[0].strip());
            String source = uuid;
            boolean sawInterval = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                if (!p.isEmpty() && Character.isDigit(p.charAt(0))) {
                    raw.computeIfAbsent(source, k -> new ArrayList<>()).add(interval(p, trimmed));
                    sawInterval = true;
                } else if (TAG.matcher(p).matches()) {
                    source = uuid + ":" + p.toLowerCase(Locale.ROOT);
                } else {
                    throw new GtidParseException("MySQL GTID set: '" + p + "' in '" + trimmed
                            + "' is neither an interval (n or n-m) nor a tag");
                }
            }
            if (!sawInterval) {
                throw new GtidParseException("MySQL GTID set: '" + trimmed + "' has no transaction interval");
            }
        }
        Map<String, List<Interval>> normalized = new TreeMap<>();
        raw.forEach((source, intervals) -> normalized.put(source, merge(intervals)));
        return new MysqlGtidSet(normalized);
    }

    private static Interval interval(String text, String entry) {
        String[] bounds = text.split("-");
        try {
            long first = Long.parseLong(bounds[0]);
            long last = bounds.length == 2 ? Long.parseLong(bounds[1]) : first;
            if (bounds.length > 2 || first < 1 || last < first) {
                throw new NumberFormatException();
            }
            return new Interval(first, last);
        } catch (NumberFormatException e) {
            throw new GtidParseException("MySQL GTID set: interval '" + text + "' in '" + entry
                    + "' must be n or n-m with 1 <= n <= m");
        }
    }

    private static String canonicalUuid(String uuid) {
        String hex = uuid.replace("-", "").toLowerCase(Locale.ROOT);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private static List<Interval> merge(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort((a, b) -> Long.compare(a.first, b.first));
        List<Interval> out = new ArrayList<>();
        for (Interval next : sorted) {
            if (!out.isEmpty() && next.first <= out.getLast().last + 1) {
                Interval last = out.removeLast();
                out.add(new Interval(last.first, Math.max(last.last, next.last)));
            } else {
                out.add(next);
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public Flavour flavour() {
        return Flavour.MYSQL;
    }

    /** Source ids ({@code uuid} or {@code uuid:tag}) and their intervals. */
    public Map<String, List<Interval>> sources() {
        return Collections.unmodifiableMap(sources);
    }

    @Override
    public java.util.Set<String> streams() {
        return Collections.unmodifiableSet(sources.keySet());
    }

    @Override
    public long highest(String stream) {
        List<Interval> intervals = sources.get(stream);
        return intervals == null || intervals.isEmpty() ? 0 : intervals.getLast().last();
    }

    @Override
    public boolean contains(GtidPosition other) {
        return same(other).subtract(this).isEmpty();
    }

    @Override
    public long transactionsNotIn(GtidPosition other) {
        return subtract(same(other)).count();
    }

    /** The transactions in this set and not in {@code other}. */
    public MysqlGtidSet subtract(MysqlGtidSet other) {
        Map<String, List<Interval>> result = new TreeMap<>();
        sources.forEach((source, mine) -> {
            List<Interval> remaining = new ArrayList<>(mine);
            for (Interval cut : other.sources.getOrDefault(source, List.of())) {
                List<Interval> next = new ArrayList<>();
                for (Interval r : remaining) {
                    if (cut.last < r.first || cut.first > r.last) {
                        next.add(r);
                        continue;
                    }
                    if (cut.first > r.first) {
                        next.add(new Interval(r.first, cut.first - 1));
                    }
                    if (cut.last < r.last) {
                        next.add(new Interval(cut.last + 1, r.last));
                    }
                }
                remaining = next;
            }
            if (!remaining.isEmpty()) {
                result.put(source, Collections.unmodifiableList(remaining));
            }
        });
        return new MysqlGtidSet(result);
    }

    /** The transactions in this set or in {@code other}. */
    public MysqlGtidSet union(MysqlGtidSet other) {
        Map<String, List<Interval>> result = new TreeMap<>();
        sources.forEach((s, i) -> result.put(s, new ArrayList<>(i)));
        other.sources.forEach((s, i) -> result.computeIfAbsent(s, k -> new ArrayList<>()).addAll(i));
        result.replaceAll((s, i) -> merge(i));
        return new MysqlGtidSet(result);
    }

    @Override
    public MysqlGtidSet union(GtidPosition other) {
        if (other instanceof MysqlGtidSet set) {
            return union(set);
        }
        throw new IllegalArgumentException("cannot join a MySQL GTID set with a " + other.flavour() + " position");
    }

    public long count() {
        return sources.values().stream().flatMap(List::stream).mapToLong(Interval::size).sum();
    }

    @Override
    public boolean isEmpty() {
        return sources.isEmpty();
    }

    private static MysqlGtidSet same(GtidPosition other) {
        if (other instanceof MysqlGtidSet set) {
            return set;
        }
        throw new IllegalArgumentException("cannot compare a MySQL GTID set with a " + other.flavour() + " position");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MysqlGtidSet other && sources.equals(other.sources);
    }

    @Override
    public int hashCode() {
        return sources.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sources.forEach((source, intervals) -> {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(source);
            for (Interval i : intervals) {
                sb.append(':').append(i.first);
                if (i.last != i.first) {
                    sb.append('-').append(i.last);
                }
            }
        });
        return sb.toString();
    }
}
