package io.mysqlha.probe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Defaults for clusters whose spec does not set its own probe policy. */
@ConfigMapping(prefix = "mysqlha.probe")
public interface ProbeConfig {
    @WithDefault("500")
    @Min(50) @Max(60_000)
    int defaultIntervalMs();

    @WithDefault("400")
    @Min(10) @Max(60_000)
    int defaultTimeoutMs();

    /** Probes in flight at once across all clusters this instance owns. */
    @WithDefault("256")
    @Min(1) @Max(10_000)
    int maxConcurrentProbes();
}
