package io.mysqlha.failover;

import io.mysqlha.service.ServiceIdentity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

final class FailoverStartup {
    private static final Logger LOG = Logger.getLogger(FailoverStartup.class);

    void onStart(@Observes StartupEvent event, FailoverConfig config, ServiceIdentity identity) {
        LOG.infof("failover %s: block window %d s%s", identity.source().instance(), config.blockWindowSeconds(),
                config.dryRun() ? ", DRY RUN" : "");
    }
}
