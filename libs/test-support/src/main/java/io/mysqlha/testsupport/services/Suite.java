package io.mysqlha.testsupport.services;

import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.servers.MySqlBinaries;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The suite's services as separate processes for integration tests, all on one topic prefix (a test's own world
 * on the shared broker), each in its own consumer group of that prefix, reading secrets from one directory.
 */
public final class Suite {
    private final String bootstrap;
    private final Topics topics;
    private final Path secrets;
    private final Path dir;

    public Suite(String bootstrap, Topics topics, Path secrets, Path dir) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.secrets = secrets;
        this.dir = dir;
    }

    /** Starts {@code service} ({@code health-probe}, {@code topology}, {@code failover}, {@code proxy-gateway}, {@code backup}). */
    public ServiceProcess start(String service, Map<String, String> extra) {
        String tag = topics.prefix().replaceAll("[^a-zA-Z0-9-]", "");
        Map<String, String> settings = new HashMap<>(Map.of(
                "mysqlha.kafka.bootstrap-servers", bootstrap,
                "mysqlha.topic-prefix", topics.prefix(),
                "mysqlha.secrets-dir", secrets.toString(),
                "mysqlha.instance-id", service + "-" + tag));
        String group = switch (service) {
            case "health-probe" -> "mysqlha.probe.group-id";
            case "topology" -> "mysqlha.topology.group-id";
            case "failover" -> "mysqlha.failover.group-id";
            case "backup" -> "mysqlha.backup.group-id";
            case "alert-forwarder" -> "mysqlha.alerts.group-id";
            default -> null;
        };
        if (group != null) {
            settings.put(group, service + "-" + topics.prefix());
        }
        if (service.equals("backup")) {
            // the repository, spool and verification servers in the test's own folder
            settings.put("mysqlha.backup.repository", dir.resolve("backups").toString());
            settings.put("mysqlha.backup.spool", dir.resolve("binlog-spool").toString());
            settings.put("mysqlha.backup.scratch", dir.toString());
            if (MySqlBinaries.installed()) {
                settings.putAll(mysqlBackupTools(dir.resolve("mysql-tools")));
            }
        }
        settings.putAll(extra);
        return ServiceProcess.start(service, settings, dir);
    }

    /** MySQL 9.7's tools from the project's sid root, as scripts the backup service runs by their paths. */
    public static Map<String, String> mysqlBackupTools(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            return Map.of("mysqlha.backup.mysql.dump-tool", MySqlBinaries.wrapper("mysqldump", dir).toString(),
                    "mysqlha.backup.mysql.binlog-tool", MySqlBinaries.wrapper("mysqlbinlog", dir).toString(),
                    "mysqlha.backup.mysql.client-tool", MySqlBinaries.wrapper("mysql", dir).toString(),
                    "mysqlha.backup.mysql.server-binary", MySqlBinaries.serverWrapper(dir).toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public ServiceProcess start(String service) {
        return start(service, Map.of());
    }
}
