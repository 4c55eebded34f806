package io.mysqlha.domain;

import java.util.Objects;

/**
 * A password or other credential. Its {@code toString} never shows the value, so a secret cannot leak
 * into a log line, an exception message or a record's generated {@code toString}.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "secret value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The value, for the one place that must hand it to a driver or a hash function. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // equal secrets must hash alike; a constant keeps the value out of any hash table's shape
    }

    @Override
    public String toString() {
        return "******";
    }
}
