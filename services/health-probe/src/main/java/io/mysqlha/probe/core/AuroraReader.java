package io.mysqlha.probe.core;

import io.mysqlha.events.health.AuroraReplica;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Aurora MySQL: one row per instance in information_schema.replica_host_status. */
public final class AuroraReader {
    public static final Set<String> VARIABLES = Set.of("aurora_version");
    public static final String STATEMENT = "SELECT SERVER_ID, SESSION_ID, REPLICA_LAG_IN_MILLISECONDS, LAST_UPDATE_TIMESTAMP"
            + " FROM information_schema.replica_host_status";

    private AuroraReader() {
    }

    public static boolean isAurora(Map<String, String> vars) {
        return vars.get("aurora_version") != null;
    }

    public static List<AuroraReplica> read(List<Map<String, String>> rows) {
        return rows.stream().map(r -> new AuroraReplica(r.get("SERVER_ID"), r.get("SESSION_ID"),
                Values.decimal(r.get("REPLICA_LAG_IN_MILLISECONDS")), time(r.get("LAST_UPDATE_TIMESTAMP")))).toList();
    }

    private static Instant time(String text) {
        if (text == null) {
            return null;
        }
        return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    }
}
