package io.mysqlha.backup;

import io.mysqlha.backup.io.BackupFlavour;
import io.mysqlha.backup.io.MariaDbBackup;
import io.mysqlha.backup.io.MysqlBackup;
import io.mysqlha.testsupport.services.Suite;

import java.nio.file.Path;
import java.util.Map;

/**
 * The backup tools of both flavours as the tests run them: MariaDB's from the machine's packages, MySQL 9.7's from
 * the project's sid root, through scripts that run them with that root's loader (as an operator's PATH would).
 */
public final class TestFlavours {
    private TestFlavours() {
    }

    public static BackupFlavour.Choice choice(Path dir) {
        return new BackupFlavour.Choice(new MariaDbBackup(MariaDbBackup.DEFAULT_TOOLS), mysql(dir));
    }

    public static MariaDbBackup mariadb() {
        return new MariaDbBackup(MariaDbBackup.DEFAULT_TOOLS);
    }

    /** MySQL's tools as scripts in {@code dir}/mysql-tools, the ones the suite's backup service is given. */
    public static MysqlBackup mysql(Path dir) {
        Map<String, String> t = Suite.mysqlBackupTools(dir.resolve("mysql-tools"));
        String server = t.get("mysqlha.backup.mysql.server-binary");
        return new MysqlBackup(new BackupFlavour.Tools(t.get("mysqlha.backup.mysql.dump-tool"),
                t.get("mysqlha.backup.mysql.binlog-tool"), t.get("mysqlha.backup.mysql.client-tool"), server, server));
    }
}
