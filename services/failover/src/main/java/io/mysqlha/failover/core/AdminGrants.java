package io.mysqlha.failover.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the admin account may do on a node, read from {@code SHOW GRANTS}: its privileges on {@code *.*} and on the
 * {@code mysqlha} schema (where promotions write their epoch), and whether it holds roles (whose privileges
 * {@code SHOW GRANTS} does not list). Checked against what a cluster's recoveries need (each flavour's
 * {@link Requirement}s), so a missing privilege is named before the failover that would need it. Pure.
 */
public record AdminGrants(Set<String> global, Set<String> schema, boolean roles) {
    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (\\S+) TO ", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLE = Pattern.compile("^GRANT [`'].+ TO ", Pattern.CASE_INSENSITIVE);
    private static final String ALL = "ALL PRIVILEGES";

    public AdminGrants {
        global = Set.copyOf(global);
        schema = Set.copyOf(schema);
    }

    /** Where a privilege must be held; one on {@code *.*} also counts for the schema. */
    public enum Scope {
        GLOBAL("*.*"),
        MYSQLHA_SCHEMA("mysqlha.*");

        private final String target;

        Scope(String target) {
            this.target = target;
        }
    }

    /** Any one of {@code anyOf} held at {@code scope} allows {@code purpose}. */
    public record Requirement(Scope scope, List<String> anyOf, String purpose) {
        public Requirement {
            anyOf = List.copyOf(anyOf);
        }

        public static Requirement global(String purpose, String... anyOf) {
            return new Requirement(Scope.GLOBAL, List.of(anyOf), purpose);
        }

        public static Requirement schema(String purpose, String... anyOf) {
            return new Requirement(Scope.MYSQLHA_SCHEMA, List.of(anyOf), purpose);
        }
    }

    /** The lines of {@code SHOW GRANTS} of the current user. */
    public static AdminGrants parse(List<String> lines) {
        Set<String> global = new LinkedHashSet<>();
        Set<String> schema = new LinkedHashSet<>();
        boolean roles = false;
        for (String line : lines) {
            Matcher m = GRANT.matcher(line.trim());
            if (!m.find()) {
                roles |= ROLE.matcher(line.trim()).find();
                continue;
            }
            String target = m.group(2).replace("`", "").toLowerCase(Locale.ROOT);
            Set<String> into = target.equals("*.*") ? global : target.equals("mysqlha.*") ? schema : null;
            if (into != null) {
                for (String p : m.group(1).split(",")) {
                    String privilege = p.trim().toUpperCase(Locale.ROOT);
                    if (!privilege.contains("(")) { // column privileges are not what recoveries need
                        into.add(privilege.equals("ALL") ? ALL : privilege);
                    }
                }
            }
        }
        return new AdminGrants(global, schema, roles);
    }

    /** The requirements none of whose privileges is held. */
    public List<Requirement> missing(List<Requirement> required) {
        List<Requirement> missing = new ArrayList<>();
        for (Requirement r : required) {
            boolean held = global.contains(ALL) || r.anyOf().stream().anyMatch(global::contains)
                    || r.scope() == Scope.MYSQLHA_SCHEMA
                    && (schema.contains(ALL) || r.anyOf().stream().anyMatch(schema::contains));
            if (!held) {
                missing.add(r);
            }
        }
        return missing;
    }

    /**
     * What to tell the operator about a node whose admin account lacks {@code missing}: each purpose, and the
     * GRANT statements that fix it. Empty when nothing is missing.
     */
    public Optional<String> advice(String nodeId, String account, List<Requirement> missing) {
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder s = new StringBuilder(nodeId).append(": the admin account ").append(account)
                .append(" lacks what failover needs there: ");
        for (int i = 0; i < missing.size(); i++) {
            Requirement r = missing.get(i);
            s.append(i == 0 ? "" : "; ").append(String.join(" or ", r.anyOf())).append(" on ")
                    .append(r.scope().target).append(" for ").append(r.purpose());
        }
        s.append(". Run on ").append(nodeId).append(": ");
        for (Scope scope : Scope.values()) {
            List<String> first = missing.stream().filter(r -> r.scope() == scope).map(r -> r.anyOf().getFirst())
                    .toList();
            if (!first.isEmpty()) {
                s.append("GRANT ").append(String.join(", ", first)).append(" ON ").append(scope.target).append(" TO ")
                        .append(account).append("; ");
            }
        }
        s.setLength(s.length() - 1);
        if (roles) {
            s.append(" (it also holds roles, whose privileges SHOW GRANTS does not list: if one of them grants these,"
                    + " make it a default role)");
        }
        return Optional.of(s.toString());
    }
}
