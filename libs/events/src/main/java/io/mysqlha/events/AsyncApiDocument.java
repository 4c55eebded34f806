package io.mysqlha.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes docs/asyncapi.yaml from the event records and {@link Topic}, so the document and the code cannot
 * drift: a test compares the checked-in file with this output.
 */
public final class AsyncApiDocument {

    private AsyncApiDocument() {
    }

    public static String generate(Topics topics) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("asyncapi", "3.0.0");
        doc.put("info", Map.of("title", "mysqlha events", "version", SchemaVersion.CURRENT.toString(),
                "description", "Every topic of the mysqlha suite and the events on it. Key = cluster id on every"
                        + " topic. Generated from libs/events by AsyncApiDocumentTest; do not edit by hand."));
        Map<String, Object> channels = new LinkedHashMap<>();
        Map<String, Object> operations = new LinkedHashMap<>();
        Map<String, Object> messages = new TreeMap<>();
        Map<String, Object> schemas = new TreeMap<>();
        for (Topic topic : Topic.values()) {
            Map<String, Object> channel = new LinkedHashMap<>();
            channel.put("address", topics.name(topic));
            channel.put("description", topic.description());
            Map<String, Object> channelMessages = new LinkedHashMap<>();
            for (Class<? extends Event> type : topic.events()) {
                String name = type.getSimpleName();
                channelMessages.put(name, Map.of("$ref", "#/components/messages/" + name));
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("name", name);
                EventDoc docAnnotation = type.getAnnotation(EventDoc.class);
                if (docAnnotation != null) {
                    message.put("summary", docAnnotation.value());
                }
                message.put("contentType", "application/json");
                message.put("payload", Map.of("$ref", "#/components/schemas/" + name));
                messages.put(name, message);
                addSchema(type, schemas);
            }
            channel.put("messages", channelMessages);
            Map<String, Object> bindings = new LinkedHashMap<>();
            bindings.put("partitions", Topic.PARTITIONS);
            bindings.put("topicConfiguration", topic.compacted()
                    ? Map.of("cleanup.policy", List.of("compact"))
                    : Map.of("cleanup.policy", List.of("delete"), "retention.ms", topic.retention().toMillis()));
            channel.put("bindings", Map.of("kafka", bindings));
            String id = camel(topic);
            channels.put(id, channel);
            if (!topic.events().isEmpty()) {
                operations.put("publish" + Character.toUpperCase(id.charAt(0)) + id.substring(1), Map.of(
                        "action", "send", "channel", Map.of("$ref", "#/channels/" + id)));
            }
        }
        doc.put("channels", channels);
        doc.put("operations", operations);
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("messages", messages);
        components.put("schemas", schemas);
        doc.put("components", components);
        try {
            // Sorted keys: Map.of iterates in a per-JVM random order, and the checked-in file must be stable.
            return new ObjectMapper(new YAMLFactory().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String camel(Topic topic) {
        String[] parts = topic.name().toLowerCase(java.util.Locale.ROOT).split("_");
        StringBuilder sb = new StringBuilder(parts[0]);
        Arrays.stream(parts).skip(1).forEach(p -> sb.append(Character.toUpperCase(p.charAt(0))).append(p.substring(1)));
        return sb.toString();
    }

    private static void addSchema(Class<?> record, Map<String, Object> schemas) {
        String name = record.getSimpleName();
        if (schemas.containsKey(name)) {
            return;
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schemas.put(name, schema);
        schema.put("type", "object");
        Map<String, Object> properties = new LinkedHashMap<>();
        for (RecordComponent c : record.getRecordComponents()) {
            properties.put(c.getName(), schemaOf(c.getGenericType(), schemas));
        }
        schema.put("properties", properties);
    }

    private static Map<String, Object> schemaOf(Type type, Map<String, Object> schemas) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return Map.of("type", "array", "items", schemaOf(args[0], schemas));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return Map.of("type", "object", "additionalProperties", schemaOf(args[1], schemas));
            }
            throw new IllegalArgumentException("no schema for " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return Map.of("type", "string");
        }
        if (c == int.class || c == Integer.class) {
            return Map.of("type", "integer", "format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return Map.of("type", "integer", "format", "int64");
        }
        if (c == double.class || c == Double.class) {
            return Map.of("type", "number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return Map.of("type", "boolean");
        }
        if (c == Instant.class) {
            return Map.of("type", "string", "format", "date-time");
        }
        if (c.isEnum()) {
            return Map.of("type", "string", "enum",
                    Arrays.stream(c.getEnumConstants()).map(Object::toString).toList());
        }
        if (c.isRecord()) {
            addSchema(c, schemas);
            return Map.of("$ref", "#/components/schemas/" + c.getSimpleName());
        }
        throw new IllegalArgumentException("no schema for " + c.getName() + ": add a mapping to AsyncApiDocument");
    }
}
