package io.mysqlha.gateway.session;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KILL statement the gateway must answer itself when its id is one of the gateway's own connection ids (the ids
 * clients see in the greeting, and what drivers send to cancel a statement): MariaDB's and MySQL's
 * {@code KILL [HARD | SOFT] [CONNECTION | QUERY] n}. Pure.
 */
public record Kill(boolean queryOnly, long id) {
    private static final Pattern KILL = Pattern.compile(
            "\\s*KILL\\s+(?:(?:HARD|SOFT)\\s+)?(CONNECTION\\s+|QUERY\\s+(?:ID\\s+)?)?(\\d{1,19})\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE);

    /** The kill a statement asks for, or null when it is not a KILL by id. */
    public static Kill parse(String statement) {
        if (statement.length() > 80) {
            return null;
        }
        Matcher m = KILL.matcher(statement);
        if (!m.matches()) {
            return null;
        }
        boolean query = m.group(1) != null && m.group(1).toUpperCase().startsWith("QUERY");
        return new Kill(query, Long.parseLong(m.group(2)));
    }

    /** A backend connection with this thread id, held by the session {@code session} of the same user. */
    public record Holder<S>(S session, String node, boolean announced) {
    }

    /** Which session a KILL of a backend thread means: {@code session}, or none with the {@code refusal} why. */
    public record Resolution<S>(S session, String refusal) {
    }

    /**
     * The session a KILL by a backend thread id means, among the connections holding that id (thread ids are
     * counters of each node, so two nodes can share one): the only holder, else the one whose CONNECTION_ID() that
     * thread answered ({@code announced}); else refused, naming the nodes. Null when no session holds it.
     */
    public static <S> Resolution<S> resolve(long id, java.util.List<Holder<S>> holders) {
        java.util.Set<S> sessions = new java.util.LinkedHashSet<>();
        java.util.Set<S> announced = new java.util.LinkedHashSet<>();
        for (Holder<S> h : holders) {
            sessions.add(h.session());
            if (h.announced()) {
                announced.add(h.session());
            }
        }
        if (sessions.isEmpty()) {
            return null;
        }
        if (sessions.size() == 1) {
            return new Resolution<>(sessions.iterator().next(), null);
        }
        if (announced.size() == 1) {
            return new Resolution<>(announced.iterator().next(), null);
        }
        return new Resolution<>(null, id + " (held by sessions on " + String.join(" and ", holders.stream()
                .map(Holder::node).toList()) + "; KILL by the id of the session's greeting instead)");
    }
}
