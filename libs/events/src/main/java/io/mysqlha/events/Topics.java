package io.mysqlha.events;

import java.util.regex.Pattern;

/** Topic names with the deployment's prefix (default {@code mysqlha.}). */
public record Topics(String prefix) {

    public static final String DEFAULT_PREFIX = "mysqlha.";
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

    public Topics {
        if (prefix == null || !LEGAL.matcher(prefix).matches() || prefix.length() > 200) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "': letters, digits, '.', '_' and '-' only, at most 200 characters");
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String name(Topic topic) {
        return prefix + topic.suffix();
    }

    public String nameFor(Event event) {
        return name(Topic.of(event.getClass()));
    }
}
