package io.mysqlha.backup;

import io.mysqlha.backup.io.BackupFlavour;
import io.mysqlha.backup.io.MariaDbBackup;
import io.mysqlha.backup.io.MysqlBackup;
import io.mysqlha.testsupport.servers.MySqlBinaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** MySQL's tools as scripts in {@code dir}/mysql-tools (made once per folder). */
    public static MysqlBackup mysql(Path dir) {
        try {
            Path bin = Files.createDirectories(dir.resolve("mysql-tools"));
            String server = MySqlBinaries.serverWrapper(bin).toString();
            return new MysqlBackup(new BackupFlavour.Tools(MySqlBinaries.wrapper("mysqldump", bin).toString(),
                    MySqlBinaries.wrapper("mysqlbinlog", bin).toString(), MySqlBinaries.wrapper("mysql", bin).toString(),
                    server, server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
