package io.mysqlha.failover;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** The failover service's settings (mysqlha.failover.*), checked at start-up. */
@ConfigMapping(prefix = "mysqlha.failover")
public interface FailoverConfig {

    /** The consumer group whose partition owners are the clusters' failover actors. */
    @WithDefault("mysqlha-failover")
    @NotBlank
    String groupId();

    /** No second automatic promotion of a cluster within this window after one (acknowledge to clear it). */
    @WithDefault("30")
    @Min(0) @Max(86_400)
    int blockWindowSeconds();

    /** A promotion that failed (its candidate died, say) is tried again after this. */
    @WithDefault("3")
    @Min(0) @Max(3_600)
    int retryAfterFailureSeconds();

    /** Only publish what would be done. */
    @WithDefault("false")
    boolean dryRun();

    /** Make a returning old primary (or a disconnected replica) a replica of the primary when it has no errant GTIDs. */
    @WithDefault("true")
    boolean rejoin();

    /** Health history a new owner reads to rebuild each node's failure streak. */
    @WithDefault("10000")
    @Min(0) @Max(600_000)
    int healthReplayMs();

    /** How often owned clusters are analyzed when nothing arrives. */
    @WithDefault("100")
    @Min(10) @Max(10_000)
    int tickMs();

    /** A node that does not accept a connection within this is unreachable (a frozen old primary, say). */
    @WithDefault("1000")
    @Min(50) @Max(60_000)
    int connectTimeoutMs();

    /** Patience for one administrative statement. */
    @WithDefault("5000")
    @Min(100) @Max(600_000)
    int statementTimeoutMs();

    /** How long a candidate may take to apply what it received before the promotion gives up. */
    @WithDefault("30000")
    @Min(100) @Max(3_600_000)
    int applyTimeoutMs();

    /** How long a switchover lets the old primary's open transactions finish before it fences. */
    @WithDefault("5000")
    @Min(0) @Max(600_000)
    int drainTimeoutMs();

    /** The least a switchover waits after announcing itself before it fences, so every gateway holds new writes. */
    @WithDefault("150")
    @Min(0) @Max(60_000)
    int holdGraceMs();
}
