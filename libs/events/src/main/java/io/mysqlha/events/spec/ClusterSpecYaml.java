package io.mysqlha.events.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ClusterSpecValidator;
import io.mysqlha.domain.Enums;
import io.mysqlha.domain.InvalidSpecException;
import io.mysqlha.domain.SpecError;
import io.mysqlha.events.JsonPaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The YAML form operators write: snake_case keys ({@code max_writers}, {@code writer_is_also_reader}) as
 * ProxySQL spells them. Unknown keys are errors here (a typo in a spec must not be silently ignored), and
 * every error names its field.
 */
public final class ClusterSpecYaml {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);

    private ClusterSpecYaml() {
    }

    public static ClusterSpec load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new InvalidSpecException(file.toString(), List.of(new SpecError("(file)",
                    "cannot read: " + e.getMessage())));
        }
    }

    /** Parses and validates; throws {@link InvalidSpecException} listing every problem found. */
    public static ClusterSpec parse(String yaml, String source) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new InvalidSpecException(source, List.of(new SpecError("(document)", "YAML syntax error"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": "
                    + e.getOriginalMessage())));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new InvalidSpecException(source, List.of(new SpecError("(document)", "empty spec")));
        }
        ClusterSpec spec;
        try {
            spec = YAML.treeToValue(tree, ClusterSpec.class);
        } catch (JsonMappingException e) {
            throw new InvalidSpecException(source, List.of(describe(e)));
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(source, List.of(new SpecError("(document)", e.getOriginalMessage())));
        }
        return ClusterSpecValidator.requireValid(spec, source);
    }

    public static String write(ClusterSpec spec) {
        try {
            return YAML.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SpecError describe(JsonMappingException e) {
        String field = JsonPaths.of(e, ClusterSpecYaml::snake);
        if (e instanceof UnrecognizedPropertyException u) {
            String allowed = u.getKnownPropertyIds().stream().map(Object::toString).map(ClusterSpecYaml::snake)
                    .sorted().collect(Collectors.joining(", "));
            return new SpecError(field, "unknown field; allowed here: " + allowed);
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return new SpecError(field, "'" + f.getValue() + "' is not allowed; one of "
                    + Enums.specNames((Enum<?>[]) f.getTargetType().getEnumConstants()));
        }
        if (e instanceof InvalidFormatException f) {
            return new SpecError(field, "'" + f.getValue() + "' is not a valid "
                    + f.getTargetType().getSimpleName().toLowerCase(Locale.ROOT));
        }
        String message = e.getOriginalMessage();
        int nl = message.indexOf('\n');
        return new SpecError(field, nl < 0 ? message : message.substring(0, nl));
    }

    private static String snake(String camel) {
        return PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(camel);
    }
}
