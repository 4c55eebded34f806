package io.mysqlha.backup;

import io.mysqlha.service.ServiceIdentity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

final class BackupStartup {
    private static final Logger LOG = Logger.getLogger(BackupStartup.class);

    void onStart(@Observes StartupEvent event, BackupConfig config, ServiceIdentity identity) {
        LOG.infof("backup %s: repository %s, %d dump(s) at a time, verify after dump: %s",
                identity.source().instance(), config.repository().toAbsolutePath(), config.maxParallelDumps(),
                config.verifyAfterDump());
    }
}
