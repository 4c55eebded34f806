package io.mysqlha.topology;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/** The topology service's own settings; hysteresis and lag limits are per cluster, in its spec. */
@ConfigMapping(prefix = "mysqlha.topology")
public interface TopologyConfig {
    /** Topology instances with the same group share the clusters: one owner per cluster. */
    @WithDefault("mysqlha-topology")
    @Pattern(regexp = "[a-zA-Z0-9._-]{1,200}", message = "letters, digits, '.', '_' and '-', 1..200")
    String groupId();

    /**
     * How far back a new owner replays health observations before deciding, to rebuild each node's hysteresis
     * streaks instead of starting from nothing. Longer than any cluster's stale_after.
     */
    @WithDefault("10000")
    @Min(1_000) @Max(600_000)
    int healthReplayMs();

    /** How often clusters are looked at when nothing arrives (for nodes going stale). */
    @WithDefault("100")
    @Min(10) @Max(10_000)
    int tickMs();
}
