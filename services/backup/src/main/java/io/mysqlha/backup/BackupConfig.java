package io.mysqlha.backup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

@ConfigMapping(prefix = "mysqlha.backup")
public interface BackupConfig {
    /** The backup repository: one folder per cluster (dumps, manifests, and the binlog archive below binlogs/). */
    @WithDefault("var/backups")
    Path repository();

    /** Where the binlog streamers write the writers' files as they grow, before each closed file is archived. */
    @WithDefault("var/binlog-spool")
    Path spool();

    /** Where throw-away verification servers get their datadirs (must be reachable by the server's OS user). */
    @WithDefault("var/scratch")
    Path scratch();

    /** Backup instances share the clusters through this consumer group: one owner per cluster. */
    @WithDefault("mysqlha-backup")
    String groupId();

    @WithDefault("1")
    @Min(1) @Max(16)
    int maxParallelDumps();

    /** Restore every dump into a scratch server and check it. */
    @WithDefault("true")
    boolean verifyAfterDump();

    /** Stream every owned cluster's binlogs from its writer into the archive. */
    @WithDefault("true")
    boolean archiveBinlogs();

    /** MariaDB's tools, for clusters of MariaDB servers (names on the PATH, or paths). */
    MariaDb mariadb();

    /** MySQL's tools, for clusters of MySQL servers (names on the PATH, or paths). */
    Mysql mysql();

    interface MariaDb {
        @WithDefault("mariadb-dump")
        String dumpTool();

        @WithDefault("mariadb-binlog")
        String binlogTool();

        /** The command-line client restores are loaded with. */
        @WithDefault("mariadb")
        String clientTool();

        /** The server a verification starts, and the tool that creates its datadir. */
        @WithDefault("mariadbd")
        String serverBinary();

        @WithDefault("mariadb-install-db")
        String installDbTool();
    }

    interface Mysql {
        @WithDefault("mysqldump")
        String dumpTool();

        @WithDefault("mysqlbinlog")
        String binlogTool();

        /** The command-line client restores are loaded with. */
        @WithDefault("mysql")
        String clientTool();

        /** The server a verification starts (it creates its datadir too: mysqld --initialize-insecure). */
        @WithDefault("mysqld")
        String serverBinary();
    }

    /** Both flavours' backups with the tools configured here. */
    default io.mysqlha.backup.io.BackupFlavour.Choice flavours() {
        return new io.mysqlha.backup.io.BackupFlavour.Choice(
                new io.mysqlha.backup.io.MariaDbBackup(new io.mysqlha.backup.io.BackupFlavour.Tools(
                        mariadb().dumpTool(), mariadb().binlogTool(), mariadb().clientTool(), mariadb().serverBinary(),
                        mariadb().installDbTool())),
                new io.mysqlha.backup.io.MysqlBackup(new io.mysqlha.backup.io.BackupFlavour.Tools(mysql().dumpTool(),
                        mysql().binlogTool(), mysql().clientTool(), mysql().serverBinary(), mysql().serverBinary())));
    }

    @WithDefault("PT6H")
    Duration dumpTimeout();

    /** The zone cron schedules are read in. */
    @WithDefault("UTC")
    ZoneId scheduleZone();

    /**
     * The server id the binlog streamers register with (each cluster's streamer adds its own offset below 100000);
     * it must differ from every server's id.
     */
    @WithDefault("4200000000")
    @Min(1) @Max(4294867295L)
    long streamerServerId();
}
