package io.mysqlha.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * JSON form of events, and the tolerant reader: unknown fields are ignored (a newer minor version only adds
 * fields), an unknown type or a newer major version is refused with a reason, never an exception loop.
 */
public final class EventCodec {

    private static final Map<String, Class<? extends Event>> TYPES = Arrays.stream(Event.class.getPermittedSubclasses())
            .map(EventCodec::eventClass)
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private final ObjectMapper mapper;
    private final SchemaVersion readerVersion;

    public EventCodec() {
        this(SchemaVersion.CURRENT);
    }

    EventCodec(SchemaVersion readerVersion) {
        this.readerVersion = readerVersion;
        this.mapper = mapper();
    }

    /**
     * The JSON mapper events use: ISO-8601 times, unknown fields ignored, absent fields not written (a reader
     * takes a missing field as null, so leaving nulls out only makes the frequent events smaller).
     */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                .addModule(new JavaTimeModule())
                .addModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .build();
    }

    public static Map<String, Class<? extends Event>> types() {
        return TYPES;
    }

    public byte[] encode(Event event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + event.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public DecodeResult decode(byte[] bytes) {
        if (bytes == null) {
            return new DecodeResult.Rejected("empty record value (a tombstone is not an event)");
        }
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (IOException e) {
            return new DecodeResult.Rejected("not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject() || !root.path("header").isObject()) {
            return new DecodeResult.Rejected("no 'header' object: not a mysqlha event");
        }
        JsonNode header = root.get("header");
        String type = header.path("type").asText(null);
        Class<? extends Event> eventClass = type == null ? null : TYPES.get(type);
        if (eventClass == null) {
            return new DecodeResult.Rejected("unknown event type " + (type == null ? "(none)" : "'" + type + "'")
                    + "; this reader knows " + TYPES.keySet().stream().sorted().toList());
        }
        SchemaVersion version;
        try {
            version = SchemaVersion.parse(header.path("schemaVersion").asText(null));
        } catch (IllegalArgumentException e) {
            return new DecodeResult.Rejected(type + ": " + e.getMessage());
        }
        if (!version.readableBy(readerVersion)) {
            return new DecodeResult.Rejected(type + " has schema version " + version + ", newer than this reader's "
                    + readerVersion.major() + ".x: upgrade this service to read it");
        }
        try {
            return new DecodeResult.Accepted(mapper.treeToValue(root, eventClass));
        } catch (JsonProcessingException e) {
            return new DecodeResult.Rejected(type + ": " + firstLine(e.getOriginalMessage()) + " at "
                    + JsonPaths.of(e));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Event> eventClass(Class<?> c) {
        return (Class<? extends Event>) c;
    }
}
