package io.mysqlha.testsupport.services;

import io.mysqlha.events.Topics;

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
        }
        settings.putAll(extra);
        return ServiceProcess.start(service, settings, dir);
    }

    public ServiceProcess start(String service) {
        return start(service, Map.of());
    }
}
