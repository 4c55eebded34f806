package io.mysqlha.backup.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** How a restored server's table checksums differ from the source's at the dump's position. Pure. */
public final class ChecksumComparison {
    private ChecksumComparison() {
    }

    /** Each difference in words ("db.t missing", "db.t checksum 1, source had 2", "db.u not on the source"). */
    public static List<String> differences(Map<String, Long> source, Map<String, Long> restored) {
        List<String> out = new ArrayList<>();
        source.forEach((table, sum) -> {
            if (!restored.containsKey(table)) {
                out.add(table + " missing");
            } else if (!Objects.equals(sum, restored.get(table))) {
                out.add(table + " checksum " + restored.get(table) + ", source had " + sum);
            }
        });
        restored.keySet().stream().filter(t -> !source.containsKey(t)).sorted()
                .forEach(t -> out.add(t + " not on the source"));
        return out;
    }
}
