package io.mysqlha.events;

/**
 * {@code major.minor} of the event schema. Minor versions only add optional fields, which an older
 * reader ignores; a new major version changes meaning, and an older reader refuses it.
 */
public record SchemaVersion(int major, int minor) {

    public static final SchemaVersion CURRENT = new SchemaVersion(1, 2);

    public static SchemaVersion parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no schemaVersion in the header");
        }
        String[] parts = text.split("\\.");
        try {
            if (parts.length > 2) {
                throw new NumberFormatException();
            }
            return new SchemaVersion(Integer.parseInt(parts[0]), parts.length == 2 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schemaVersion '" + text + "' is not major.minor");
        }
    }

    public boolean readableBy(SchemaVersion reader) {
        return major <= reader.major;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
