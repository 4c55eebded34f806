package io.mysqlha.gateway.split;

import io.mysqlha.domain.QueryRule;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A cluster's query rules, compiled, with a hit counter each. Evaluated in order as ProxySQL does: every matching
 * rule sets the destination, one with {@code apply} ends the evaluation. The statement's text and digest text are
 * asked for only when a rule needs them. Thread-safe (shared by every session of the cluster).
 */
public final class QueryRules {
    public static final QueryRules NONE = new QueryRules(List.of());

    /** One compiled rule and how often it matched. */
    public record Compiled(String name, QueryRule rule, Pattern pattern, Pattern digest, LongAdder hits) {
        public long hitCount() {
            return hits.sum();
        }
    }

    private final List<Compiled> rules;

    public QueryRules(List<QueryRule> rules) {
        java.util.ArrayList<Compiled> compiled = new java.util.ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            QueryRule r = rules.get(i);
            compiled.add(new Compiled(r.name() == null ? "rule-" + (i + 1) : r.name(), r,
                    r.matchPattern() == null ? null : Pattern.compile(r.matchPattern(), Pattern.CASE_INSENSITIVE),
                    r.matchDigest() == null ? null : Pattern.compile(r.matchDigest(), Pattern.CASE_INSENSITIVE),
                    new LongAdder()));
        }
        this.rules = List.copyOf(compiled);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether some rule looks at the digest (then the session computes its text). */
    public boolean needsDigest() {
        return rules.stream().anyMatch(r -> r.digest() != null);
    }

    public List<Compiled> rules() {
        return rules;
    }

    /** The destination the rules give this statement, or null when no rule matched. */
    public QueryRule.Destination evaluate(Supplier<String> text, Supplier<String> digestText, String user,
                                          String schema) {
        QueryRule.Destination destination = null;
        for (Compiled c : rules) {
            QueryRule r = c.rule();
            if (r.username() != null && !r.username().equals(user)
                    || r.schemaname() != null && !r.schemaname().equalsIgnoreCase(schema == null ? "" : schema)) {
                continue;
            }
            boolean matches = true;
            if (c.pattern() != null) {
                matches = c.pattern().matcher(text.get()).find();
            }
            if (matches && c.digest() != null) {
                matches = c.digest().matcher(digestText.get()).find();
            }
            if (r.negateMatchPattern()) {
                matches = !matches;
            }
            if (!matches) {
                continue;
            }
            c.hits().increment();
            destination = r.destination();
            if (r.apply()) {
                break;
            }
        }
        return destination;
    }
}
