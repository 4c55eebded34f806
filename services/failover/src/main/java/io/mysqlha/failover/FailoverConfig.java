package io.mysqlha.failover;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

@ConfigMapping(prefix = "mysqlha.failover")
public interface FailoverConfig {
    /** Consecutive lost observations of the primary before it may be declared dead. */
    @WithDefault("3")
    @Min(1) @Max(100)
    int downAfter();

    /** No second recovery of a cluster within this window after one (an operator can acknowledge to clear it). */
    @WithDefault("30")
    @Min(0) @Max(86_400)
    int blockWindowSeconds();

    /** Only publish what would be done. */
    @WithDefault("false")
    boolean dryRun();
}
