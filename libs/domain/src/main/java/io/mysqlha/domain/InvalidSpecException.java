package io.mysqlha.domain;

import java.util.List;
import java.util.stream.Collectors;

/** A cluster spec that cannot be applied, with every problem found, each naming its field. */
public final class InvalidSpecException extends RuntimeException {
    private final transient List<SpecError> errors;

    public InvalidSpecException(String source, List<SpecError> errors) {
        super("invalid cluster spec" + (source == null ? "" : " in " + source) + ":\n"
                + errors.stream().map(e -> "  - " + e).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<SpecError> errors() {
        return errors;
    }
}
