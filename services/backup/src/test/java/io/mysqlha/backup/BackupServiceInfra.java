package io.mysqlha.backup;

import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.services.Secrets;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/** The real broker, the service test's own topics and secrets, and its repository, spool and scratch folders. */
public class BackupServiceInfra implements QuarkusTestResourceLifecycleManager {
    public static final Topics TOPICS = new Topics("backup-svc.");
    public static final Path DIR = SharedInfra.dir("backup-svc");

    @Override
    public Map<String, String> start() {
        SharedInfra.kafka().provisionTopics(TOPICS);
        Path secrets = Secrets.write(DIR.resolve("secrets"), DbUsers.LOCAL);
        return Map.of("mysqlha.kafka.bootstrap-servers", SharedInfra.kafka().bootstrapServers(),
                "mysqlha.topic-prefix", TOPICS.prefix(),
                "mysqlha.secrets-dir", secrets.toString(),
                "mysqlha.backup.group-id", "backup-service-it",
                "mysqlha.backup.repository", DIR.resolve("repo").toString(),
                "mysqlha.backup.spool", DIR.resolve("spool").toString(),
                "mysqlha.backup.scratch", DIR.toString());
    }

    @Override
    public void stop() {
        // shared infrastructure stops at JVM exit
    }
}
