package io.mysqlha.domain;

/**
 * One thing wrong with a cluster spec.
 *
 * @param field   where, as a path into the YAML ({@code nodes[1].port})
 * @param message what is wrong and what is allowed
 */
public record SpecError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
