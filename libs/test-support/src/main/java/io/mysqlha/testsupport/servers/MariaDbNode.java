package io.mysqlha.testsupport.servers;

import io.mysqlha.testsupport.process.ManagedProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One real {@code mariadbd} (Debian's MariaDB 10.11), run as the mysql user when we are root. */
public final class MariaDbNode extends ServerNode {

    public MariaDbNode(String name, int port, int serverId, Path dir, Map<String, String> extraConfig,
                       ManagedProcess.Ownership ownership) {
        super(name, port, serverId, dir, extraConfig, ownership);
    }

    @Override
    protected Map<String, String> serverConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("performance-schema", "OFF");
        c.put("innodb-log-file-size", "48M");
        c.put("collation-server", "utf8mb4_general_ci");
        return c;
    }

    @Override
    protected String configSection() {
        return "mariadbd";
    }

    @Override
    protected String program() {
        return "mariadbd";
    }

    @Override
    protected List<String> initialiseCommand() {
        List<String> cmd = new ArrayList<>(List.of(MariaDbBinaries.installDb().toString(),
                "--defaults-file=" + dir().resolve("my.cnf"), "--skip-test-db",
                "--auth-root-authentication-method=socket",
                // several install-db runs at once need their own tmpdir (measured pitfall)
                "--tmpdir=" + dir().resolve("tmp")));
        if (MariaDbBinaries.runningAsRoot()) {
            cmd.add("--user=mysql");
        }
        return cmd;
    }

    /** mariadbd with this node's config file (as the mysql user when we are root) and {@code extraArgs}. */
    @Override
    public List<String> serverCommand(String... extraArgs) {
        List<String> cmd = new ArrayList<>(List.of(MariaDbBinaries.server().toString(),
                "--defaults-file=" + dir().resolve("my.cnf")));
        if (MariaDbBinaries.runningAsRoot()) {
            cmd.add("--user=mysql");
        }
        cmd.addAll(List.of(extraArgs));
        return cmd;
    }

    @Override
    protected List<String> rootClientCommand() {
        return List.of(MariaDbBinaries.client().toString(), "--no-defaults", "--socket=" + socket(), "-uroot",
                "--batch");
    }

    @Override
    protected boolean runsAsMysqlUser() {
        return true;
    }
}
