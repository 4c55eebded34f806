package io.mysqlha.probe;

import io.mysqlha.service.ServiceIdentity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

final class ProbeStartup {
    private static final Logger LOG = Logger.getLogger(ProbeStartup.class);

    void onStart(@Observes StartupEvent event, ProbeConfig config, ServiceIdentity identity) {
        LOG.infof("health-probe %s: default interval %d ms, timeout %d ms, at most %d probes in flight",
                identity.source().instance(), config.defaultIntervalMs(), config.defaultTimeoutMs(),
                config.maxConcurrentProbes());
    }
}
