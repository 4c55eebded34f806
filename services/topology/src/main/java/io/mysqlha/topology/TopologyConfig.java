package io.mysqlha.topology;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

@ConfigMapping(prefix = "mysqlha.topology")
public interface TopologyConfig {
    /** A node whose last health observation is older than this counts as not observed. */
    @WithDefault("3000")
    @Min(100) @Max(600_000)
    int healthStaleAfterMs();
}
