package io.mysqlha.backup.io;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.domain.gtid.MysqlGtidSet;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.service.sql.NodeSqlException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL's backups: {@code mysqldump --source-data=2 --set-gtid-purged=ON} (the GTID set, which may span lines, and
 * the coordinates both in the header), {@code mysqlbinlog} with a connection server id of its own, a file's start
 * from its Previous_gtids event, a verification server made by {@code mysqld --initialize-insecure} with
 * {@code gtid_mode=ON} (a MySQL dump sets {@code gtid_purged}, and archived transactions replay with their GTIDs).
 */
public record MysqlBackup(Tools tools) implements BackupFlavour {
    private static final Pattern GTID = Pattern.compile(
            "^SET @@GLOBAL\\.GTID_PURGED=(?:/\\*!80000 '\\+'\\*/ )?'([^']*)';", Pattern.MULTILINE);
    private static final Pattern COORDINATES = Pattern.compile(
            "^-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='([^']+)', SOURCE_LOG_POS=(\\d+)", Pattern.MULTILINE);

    public static final Tools DEFAULT_TOOLS = new Tools("mysqldump", "mysqlbinlog", "mysql", "mysqld", "mysqld");

    @Override
    public Flavour flavour() {
        return Flavour.MYSQL;
    }

    @Override
    public List<String> dumpOptions() {
        return List.of("--single-transaction", "--quick", "--source-data=2", "--set-gtid-purged=ON", "--routines",
                "--events", "--triggers", "--hex-blob", "--all-databases");
    }

    @Override
    public DumpPosition position(String head, String tail) {
        Matcher gtid = GTID.matcher(head);
        Matcher coordinates = COORDINATES.matcher(head);
        boolean found = coordinates.find();
        return new DumpPosition(gtid.find() ? MysqlGtidSet.parse(gtid.group(1)).toString() : null,
                found ? coordinates.group(1) : null, found ? Long.parseLong(coordinates.group(2)) : null);
    }

    @Override
    public String stopApplier() {
        return "STOP REPLICA SQL_THREAD";
    }

    @Override
    public String startApplier() {
        return "START REPLICA SQL_THREAD";
    }

    @Override
    public String streamerServerId(long id) {
        return "--connection-server-id=" + id;
    }

    @Override
    public GtidPosition binlogStart(NodeSql sql, String file) {
        List<Map<String, String>> events = sql.rows("SHOW BINLOG EVENTS IN '" + file.replace("'", "") + "' LIMIT 4");
        return events.stream().filter(e -> "Previous_gtids".equals(e.get("Event_type"))).findFirst()
                .map(e -> (GtidPosition) MysqlGtidSet.parse(e.get("Info")))
                .orElseThrow(() -> new NodeSqlException(sql.node().id() + "'s binlog " + file + " has no"
                        + " Previous_gtids event among its first events: is gtid_mode ON?"));
    }

    @Override
    public List<String> scratchSettings(Path dir) {
        return List.of("performance-schema=OFF", "mysqlx=OFF", "gtid-mode=ON", "enforce-gtid-consistency=ON",
                "secure-file-priv=" + dir.resolve("tmp"));
    }

    @Override
    public List<String> initialize(Path cnf, Path dir) {
        return List.of(ScratchServer.locate(tools.installDb()), "--defaults-file=" + cnf, "--initialize-insecure");
    }

    @Override
    public String serverUser() {
        return "root";
    }

    @Override
    public String toolPackage() {
        return "mysql-client-core and mysql-server-core";
    }
}
