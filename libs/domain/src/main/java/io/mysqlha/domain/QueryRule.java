package io.mysqlha.domain;

/**
 * One of the read/write listener's ordered routing rules: the subset of ProxySQL's {@code mysql_query_rules} that
 * decides where a statement goes. Rules are evaluated in order; a matching rule sets the destination, and with
 * {@code apply} no later rule is looked at (ProxySQL's semantics: without apply, a later match overrides).
 * A statement inside a transaction, or of a pinned session, goes to the writer whatever the rules say.
 *
 * @param name               shown with its hit counter (default "rule-N", N its position from 1)
 * @param matchPattern       a regular expression found anywhere in the statement text (case-insensitive)
 * @param matchDigest        a regular expression found anywhere in the statement's digest text
 *                           ({@code SELECT c FROM t WHERE id = ?})
 * @param negateMatchPattern the rule matches statements the patterns do not match
 * @param username           only this application user's statements
 * @param schemaname         only statements run in this schema
 * @param destination        writer or reader
 * @param apply              stop at this rule when it matches (default false, as ProxySQL)
 */
public record QueryRule(String name, String matchPattern, String matchDigest, Boolean negateMatchPattern,
                        String username, String schemaname, Destination destination, Boolean apply) {

    /** Where a matching statement goes. */
    public enum Destination { WRITER, READER }

    public QueryRule {
        negateMatchPattern = negateMatchPattern != null && negateMatchPattern;
        apply = apply != null && apply;
    }
}
