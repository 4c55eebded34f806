package io.mysqlha.failover.io;

import java.time.Duration;

/**
 * @param connectTimeout a node that does not answer within this is treated as unreachable (a frozen old primary)
 * @param statementTimeout patience for one administrative statement
 * @param applyTimeout   how long a candidate may take to apply what it received before the promotion gives up
 * @param drainTimeout   how long a switchover lets the old primary's open transactions finish before it fences
 */
public record RecoverySettings(Duration connectTimeout, Duration statementTimeout, Duration applyTimeout,
                               Duration drainTimeout) {
}
