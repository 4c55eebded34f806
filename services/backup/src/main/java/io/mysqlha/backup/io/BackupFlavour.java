package io.mysqlha.backup.io;

import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.gtid.GtidPosition;
import io.mysqlha.service.sql.NodeSql;

import java.nio.file.Path;
import java.util.List;

/**
 * What a backup does differently on MariaDB and on MySQL, one implementation per flavour (DESIGN decision 4): the
 * tools and their options, where a dump says which GTID position it is consistent with, how a replica is held
 * still, where a binlog file starts, and how a throw-away verification server is made.
 */
public sealed interface BackupFlavour permits MariaDbBackup, MysqlBackup {

    /** The programs a flavour's backups run: names on the PATH or paths. */
    record Tools(String dump, String binlog, String client, String server, String installDb) {
    }

    /** Where a dump stands: its GTID position (the flavour's notation) and the binlog coordinates. */
    record DumpPosition(String gtid, String binlogFile, Long binlogPosition) {
    }

    Flavour flavour();

    Tools tools();

    /** The dump tool's options for a consistent logical dump of everything, after host, port and user. */
    List<String> dumpOptions();

    /** The position a dump is consistent with, read from its first and its last bytes. */
    DumpPosition position(String head, String tail);

    /** Stops the replica's applier (its SQL thread) so a dump and its checksums describe one position. */
    String stopApplier();

    String startApplier();

    /** The binlog tool's option that gives its replication connection a server id of its own. */
    String streamerServerId(long id);

    /** The GTID position at the start of one of the node's binlog files (everything before it). */
    GtidPosition binlogStart(NodeSql sql, String file);

    /** The settings of a verification server in {@code dir}, for its option file (no networking, no binlog). */
    List<String> scratchSettings(Path dir);

    /** The command that creates a verification server's datadir from its option file. */
    List<String> initialize(Path cnf, Path dir);

    /**
     * The OS user a verification server runs as when the service runs as root: {@code mysql} for MariaDB (its
     * files are then chowned to it), {@code root} for MySQL, whose programs live in a root-only folder here.
     */
    String serverUser();

    /** The flavour's package that has the tools, for errors that say what to install. */
    String toolPackage();

    /** Both flavours' backups, with the tools configured for each. */
    record Choice(MariaDbBackup mariadb, MysqlBackup mysql) {
        public BackupFlavour of(Flavour flavour) {
            return switch (flavour) {
                case MARIADB -> mariadb;
                case MYSQL -> mysql;
            };
        }
    }
}
