package io.mysqlha.testsupport.servers;

import io.mysqlha.testsupport.process.ManagedProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One real {@code mysqld} (MySQL 9.7 from {@link MySqlBinaries}), with MySQL's defaults where the tests do not need
 * otherwise: {@code caching_sha2_password} users, its own TLS certificates, performance_schema on (the probe reads
 * replication and Group Replication state there). As root it runs as root ({@code --user=root}): the datadir
 * stays the test's.
 */
public final class MySqlNode extends ServerNode {

    public MySqlNode(String name, int port, int serverId, Path dir, Map<String, String> extraConfig,
                     ManagedProcess.Ownership ownership) {
        super(name, port, serverId, dir, extraConfig, ownership);
    }

    @Override
    protected Map<String, String> serverConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("mysqlx", "OFF");
        c.put("secure-file-priv", ""); // its default directory does not exist in the root: the server would abort
        c.put("innodb-redo-log-capacity", "64M");
        if (MariaDbBinaries.runningAsRoot()) {
            c.put("user", "root");
        }
        return c;
    }

    @Override
    protected String configSection() {
        return "mysqld";
    }

    @Override
    protected String program() {
        return "mysqld";
    }

    @Override
    protected List<String> initialiseCommand() {
        List<String> args = new ArrayList<>(List.of("--defaults-file=" + dir().resolve("my.cnf")));
        args.addAll(MySqlBinaries.serverPaths());
        args.add("--initialize-insecure"); // root@localhost without a password, reached over the socket only
        return MySqlBinaries.command("mysqld", args.toArray(String[]::new));
    }

    @Override
    public List<String> serverCommand(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--defaults-file=" + dir().resolve("my.cnf")));
        args.addAll(MySqlBinaries.serverPaths());
        args.addAll(List.of(extraArgs));
        return MySqlBinaries.command("mysqld", args.toArray(String[]::new));
    }

    @Override
    protected List<String> rootClientCommand() {
        return MySqlBinaries.command("mysql", "--no-defaults", "--socket=" + socket(), "-uroot", "--batch");
    }

    @Override
    protected boolean runsAsMysqlUser() {
        return false;
    }
}
