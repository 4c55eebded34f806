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
}
