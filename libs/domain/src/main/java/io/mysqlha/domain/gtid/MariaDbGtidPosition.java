package io.mysqlha.domain.gtid;

import io.mysqlha.domain.Flavour;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position, as in {@code @@gtid_current_pos}: {@code domain-server-seq} per replication
 * domain, e.g. {@code 0-1-100,1-2-5}. Within a domain sequence numbers only grow (gtid_strict_mode), so
 * position B contains A when B's sequence number is at least A's in every domain A has.
 * A list with several entries for one domain (as {@code @@gtid_binlog_state} prints) keeps the highest.
 * See https://mariadb.com/kb/en/gtid/
 */
public final class MariaDbGtidPosition implements GtidPosition {

    /** One MariaDB GTID. */
    public record Gtid(long domain, long serverId, long seq) {
        @Override
        public String toString() {
            return domain + "-" + serverId + "-" + seq;
        }
    }

    /** Sequence numbers {@code firstSeq..lastSeq} of one domain, both inclusive. */
    public record Range(long domain, long firstSeq, long lastSeq) {
        public long size() {
            return lastSeq - firstSeq + 1;
        }
    }

    private final Map<Long, Gtid> byDomain;

    private MariaDbGtidPosition(Map<Long, Gtid> byDomain) {
        this.byDomain = byDomain;
    }

    public static MariaDbGtidPosition parse(String text) {
        Map<Long, Gtid> byDomain = new TreeMap<>();
        if (text == null) {
            return new MariaDbGtidPosition(byDomain);
        }
        for (String entry : text.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("-");
            try {
                if (parts.length != 3) {
                    throw new NumberFormatException();
                }
                Gtid gtid = new Gtid(Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1]),
                        Long.parseUnsignedLong(parts[2]));
                byDomain.merge(gtid.domain(), gtid, (a, b) -> a.seq() >= b.seq() ? a : b);
            } catch (NumberFormatException e) {
                throw new GtidParseException("MariaDB GTID position: '" + trimmed
                        + "' is not domain-server-seq (three unsigned numbers, e.g. 0-1-100)");
            }
        }
        return new MariaDbGtidPosition(byDomain);
    }

    @Override
    public Flavour flavour() {
        return Flavour.MARIADB;
    }

    public Map<Long, Gtid> byDomain() {
        return Collections.unmodifiableMap(byDomain);
    }

    @Override
    public java.util.Set<String> streams() {
        return byDomain.keySet().stream().map(Long::toUnsignedString)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public long highest(String stream) {
        return seq(Long.parseUnsignedLong(stream));
    }

    /** The sequence number reached in a domain, 0 when the domain is absent. */
    public long seq(long domain) {
        Gtid g = byDomain.get(domain);
        return g == null ? 0 : g.seq();
    }

    @Override
    public boolean contains(GtidPosition other) {
        return same(other).byDomain.values().stream().allMatch(g -> seq(g.domain()) >= g.seq());
    }

    @Override
    public long transactionsNotIn(GtidPosition other) {
        return subtract(same(other)).stream().mapToLong(Range::size).sum();
    }

    /** Per domain, the sequence numbers this position has reached and {@code other} has not. */
    public List<Range> subtract(MariaDbGtidPosition other) {
        List<Range> missing = new ArrayList<>();
        byDomain.values().forEach(g -> {
            long theirs = other.seq(g.domain());
            if (g.seq() > theirs) {
                missing.add(new Range(g.domain(), theirs + 1, g.seq()));
            }
        });
        return missing;
    }

    /** Per domain, the further of the two (a position holds every sequence number up to its own). */
    @Override
    public MariaDbGtidPosition union(GtidPosition other) {
        Map<Long, Gtid> merged = new TreeMap<>(byDomain);
        same(other).byDomain.values().forEach(g -> merged.merge(g.domain(), g, (a, b) -> a.seq() >= b.seq() ? a : b));
        return new MariaDbGtidPosition(merged);
    }

    @Override
    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    private static MariaDbGtidPosition same(GtidPosition other) {
        if (other instanceof MariaDbGtidPosition p) {
            return p;
        }
        throw new IllegalArgumentException("cannot compare a MariaDB GTID position with a " + other.flavour()
                + " GTID set");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MariaDbGtidPosition other && byDomain.equals(other.byDomain);
    }

    @Override
    public int hashCode() {
        return byDomain.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Gtid g : byDomain.values()) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(g);
        }
        return sb.toString();
    }
}
