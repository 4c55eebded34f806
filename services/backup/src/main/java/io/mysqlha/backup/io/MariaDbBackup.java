package io.mysqlha.backup.io;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.domain.gtid.MariaDbGtidPosition;
import io.mysqlha.service.sql.NodeSql;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MariaDB's backups: {@code mariadb-dump --master-data=2 --gtid} (coordinates in the header, the GTID position
 * "later in the file": at its very end), {@code mariadb-binlog}, {@code BINLOG_GTID_POS} for a file's start, a
 * verification server made by {@code mariadb-install-db} and run as the {@code mysql} user when the service is
 * root.
 */
public record MariaDbBackup(Tools tools) implements BackupFlavour {
    private static final Pattern GTID = Pattern.compile("^-- SET GLOBAL gtid_slave_pos='([^']*)'", Pattern.MULTILINE);
    private static final Pattern COORDINATES = Pattern.compile(
            "^-- CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\\d+)", Pattern.MULTILINE);

    public static final Tools DEFAULT_TOOLS = new Tools("mariadb-dump", "mariadb-binlog", "mariadb", "mariadbd",
            "mariadb-install-db");

    @Override
    public Flavour flavour() {
        return Flavour.MARIADB;
    }

    @Override
    public List<String> dumpOptions() {
        return List.of("--single-transaction", "--quick", "--master-data=2", "--gtid", "--routines", "--events",
                "--triggers", "--hex-blob", "--all-databases");
    }

    @Override
    public DumpPosition position(String head, String tail) {
        Matcher gtid = GTID.matcher(tail);
        Matcher coordinates = COORDINATES.matcher(head);
        boolean found = coordinates.find();
        return new DumpPosition(gtid.find() ? gtid.group(1) : null, found ? coordinates.group(1) : null,
                found ? Long.parseLong(coordinates.group(2)) : null);
    }

    @Override
    public String stopApplier() {
        return "STOP SLAVE SQL_THREAD";
    }

    @Override
    public String startApplier() {
        return "START SLAVE SQL_THREAD";
    }

    @Override
    public String streamerServerId(long id) {
        return "--stop-never-slave-server-id=" + id;
    }

    @Override
    public GtidPosition binlogStart(NodeSql sql, String file) {
        return MariaDbGtidPosition.parse(sql.value("SELECT BINLOG_GTID_POS('" + file.replace("'", "") + "', 4)")
                .orElse(""));
    }

    @Override
    public List<String> scratchSettings(Path dir) {
        return List.of("performance-schema=OFF", "character-set-server=utf8mb4", "collation-server=utf8mb4_general_ci");
    }

    @Override
    public List<String> initialize(Path cnf, Path dir) {
        return List.of(tools.installDb(), "--defaults-file=" + cnf, "--skip-test-db",
                "--auth-root-authentication-method=normal", "--tmpdir=" + dir.resolve("tmp"));
    }

    @Override
    public String serverUser() {
        return "mysql";
    }

    @Override
    public String toolPackage() {
        return "mariadb-client and mariadb-server";
    }
}
