package io.mysqlha.probe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;

/** The probe's own settings; interval, timeout and heartbeat are per cluster, in its spec's probe policy. */
@ConfigMapping(prefix = "mysqlha.probe")
public interface ProbeConfig {
    /** Probe instances with the same group share the clusters between them. */
    @WithDefault("mysqlha-health-probe")
    @Pattern(regexp = "[a-zA-Z0-9._-]{1,200}", message = "letters, digits, '.', '_' and '-', 1..200")
    String groupId();
}
