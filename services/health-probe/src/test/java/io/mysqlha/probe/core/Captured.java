package io.mysqlha.probe.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads server output captured in the client's vertical (\G) format from src/test/resources/captured. */
final class Captured {
    private static final Pattern COLUMN = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*): ?(.*)$");

    private Captured() {
    }

    static List<Map<String, String>> rows(String name) {
        List<Map<String, String>> rows = new ArrayList<>();
        Map<String, String> row = null;
        String last = null;
        for (String line : read(name).split("\n")) {
            if (line.startsWith("***")) {
                row = new LinkedHashMap<>();
                rows.add(row);
                continue;
            }
            Matcher m = COLUMN.matcher(line);
            if (m.matches()) {
                last = m.group(1);
                row.put(last, m.group(2).equals("NULL") ? null : m.group(2));
            } else if (row != null && last != null && !line.isEmpty()) {
                row.put(last, row.get(last) + "\n" + line); // a value printed over several lines
            }
        }
        return rows;
    }

    /** SHOW VARIABLES / SHOW STATUS output as name to value. */
    static Map<String, String> variables(String name) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map<String, String> row : rows(name)) {
            values.put(row.get("Variable_name"), row.get("Value"));
        }
        return values;
    }

    private static String read(String name) {
        try (InputStream in = Captured.class.getResourceAsStream("/captured/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no captured output " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
