package io.mysqlha.failover;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

@ConfigMapping(prefix = "mysqlha.failover")
public interface FailoverConfig {

    /** No second recovery of a cluster within this window after one (an operator can acknowledge to clear it). */
    @WithDefault("30")
    @Min(0) @Max(86_400)
    int blockWindowSeconds();

    /** Only publish what would be done. */
    @WithDefault("false")
    boolean dryRun();
}
