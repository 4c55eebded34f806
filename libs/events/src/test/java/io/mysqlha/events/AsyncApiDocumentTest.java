package io.mysqlha.events;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/asyncapi.yaml must describe exactly the records in this module. After changing an event, regenerate it:
 * {@code ./mvnw -pl libs/events test -Dtest=AsyncApiDocumentTest -Dasyncapi.write=true}.
 */
class AsyncApiDocumentTest {

    @Test
    void shouldMatchTheCheckedInDocument() throws IOException {
        Path root = Path.of(System.getProperty("build.project.root", "../.."));
        Path doc = root.resolve("docs/asyncapi.yaml");
        String generated = AsyncApiDocument.generate(Topics.defaults());
        if (Boolean.getBoolean("asyncapi.write")) {
            Files.createDirectories(doc.getParent());
            Files.writeString(doc, generated);
        }
        assertTrue(Files.exists(doc), doc + " is missing; regenerate it with -Dasyncapi.write=true");
        assertEquals(generated, Files.readString(doc), "docs/asyncapi.yaml is out of date with the event records;"
                + " regenerate it: ./mvnw -pl libs/events test -Dtest=AsyncApiDocumentTest -Dasyncapi.write=true");
    }

    @Test
    void shouldDescribeEveryTopicAndEvent() {
        String generated = AsyncApiDocument.generate(Topics.defaults());
        for (Topic t : Topic.values()) {
            assertTrue(generated.contains("address: " + Topics.defaults().name(t)), t.name());
        }
        for (String type : EventCodec.types().keySet()) {
            assertTrue(generated.contains("    " + type + ":"), type);
        }
    }
}
