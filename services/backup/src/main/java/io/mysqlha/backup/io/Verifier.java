package io.mysqlha.backup.io;

import io.mysqlha.backup.core.ChecksumComparison;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.service.sql.NodeSql;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Proves a dump restores: loads it into a throw-away server and compares {@code CHECKSUM TABLE} of every table
 * with what the source said at the dump's GTID position (taken while the source applied nothing). A dump without
 * source checksums (dumped from the writer) is proven to load, and its table list is reported.
 */
public final class Verifier {
    private static final String USER_TABLES = "SELECT CONCAT(table_schema, '.', table_name) FROM"
            + " information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('mysql',"
            + " 'information_schema', 'performance_schema', 'sys')";

    /** The outcome, for BackupVerified. */
    public record Verdict(boolean passed, String detail, long millis) {
    }

    private final Restorer restorer;
    private final Path scratch;
    private final BackupFlavour.Choice flavours;
    private final Clock clock;

    public Verifier(Restorer restorer, Path scratch, BackupFlavour.Choice flavours, Clock clock) {
        this.restorer = restorer;
        this.scratch = scratch;
        this.flavours = flavours;
        this.clock = clock;
    }

    /** {@code CHECKSUM TABLE} of every user table on a source, by "schema.table". */
    public static Map<String, Long> checksums(NodeSql source, Duration patience) {
        List<String> tables = source.rows(USER_TABLES, "list of tables", patience).stream()
                .map(r -> r.values().iterator().next()).toList();
        Map<String, Long> sums = new TreeMap<>();
        for (List<String> batch : batches(tables)) {
            for (Map<String, String> row : source.rows("CHECKSUM TABLE " + String.join(", ", quoted(batch)),
                    "CHECKSUM TABLE", patience)) {
                sums.put(row.get("Table"), row.get("Checksum") == null ? null : Long.parseLong(row.get("Checksum")));
            }
        }
        return sums;
    }

    public Verdict verify(Manifest m) throws InterruptedException {
        Instant started = clock.instant();
        try (ScratchServer server = ScratchServer.start(scratch, flavours.of(m.flavour()))) {
            restorer.restore(new RestorePlanner.Plan(m, m.position(), List.of(),
                    new RestorePlanner.Point.LatestDump()), new Restorer.Target("a scratch server", server.clientArgs(),
                    null), phase -> { });
            List<String> tables = server.query(USER_TABLES).stream().map(r -> r[0]).sorted().toList();
            long millis = Duration.between(started, clock.instant()).toMillis();
            if (m.tableChecksums() == null) {
                return new Verdict(true, "restored " + tables.size() + " tables into a scratch server; no source"
                        + " checksums to compare (its source was not held still: the writer, or a group or Galera member)", millis);
            }
            Map<String, Long> restored = new TreeMap<>();
            for (List<String> batch : batches(tables)) {
                for (String[] row : server.query("CHECKSUM TABLE " + String.join(", ", quoted(batch)))) {
                    restored.put(row[0], row[1].equals("NULL") ? null : Long.parseLong(row[1]));
                }
            }
            List<String> differences = ChecksumComparison.differences(m.tableChecksums(), restored);
            millis = Duration.between(started, clock.instant()).toMillis();
            return differences.isEmpty()
                    ? new Verdict(true, "restored into a scratch server: " + restored.size() + " tables, every"
                    + " CHECKSUM TABLE equal to the source's at " + m.gtidPosition(), millis)
                    : new Verdict(false, "restored, but " + differences.size() + " table(s) differ from the source at "
                    + m.gtidPosition() + ": " + String.join("; ", differences.subList(0, Math.min(20,
                    differences.size()))), millis);
        } catch (Restorer.RestoreFailed | IOException e) {
            return new Verdict(false, "the dump could not be restored into a scratch server: " + e.getMessage(),
                    Duration.between(started, clock.instant()).toMillis());
        }
    }

    private static List<List<String>> batches(List<String> tables) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < tables.size(); i += 50) {
            out.add(tables.subList(i, Math.min(tables.size(), i + 50)));
        }
        return out;
    }

    private static List<String> quoted(List<String> tables) {
        return tables.stream().map(t -> {
            int dot = t.indexOf('.');
            return "`" + t.substring(0, dot).replace("`", "``") + "`.`" + t.substring(dot + 1).replace("`", "``") + "`";
        }).toList();
    }
}
