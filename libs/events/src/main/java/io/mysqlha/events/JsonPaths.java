package io.mysqlha.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

/** Where in a document a Jackson error happened, written as a field path ({@code nodes[1].port}). */
public final class JsonPaths {
    private JsonPaths() {
    }

    public static String of(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
            return "(document)";
        }
        return of(m, s -> s);
    }

    /** The path with each field name passed through {@code naming} (e.g. to snake_case). */
    public static String of(JsonMappingException m, java.util.function.UnaryOperator<String> naming) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(naming.apply(ref.getFieldName()));
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "(document)" : sb.toString();
    }
}
