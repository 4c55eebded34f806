package io.mysqlha.topology;

import io.mysqlha.service.ServiceIdentity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

final class TopologyStartup {
    private static final Logger LOG = Logger.getLogger(TopologyStartup.class);

    void onStart(@Observes StartupEvent event, TopologyConfig config, ServiceIdentity identity) {
        LOG.infof("topology %s: health observations stale after %d ms", identity.source().instance(),
                config.healthStaleAfterMs());
    }
}
