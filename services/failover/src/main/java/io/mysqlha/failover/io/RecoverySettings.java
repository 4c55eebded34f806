package io.mysqlha.failover.io;

import java.time.Duration;

/**
 * @param connectTimeout a node that does not answer within this is treated as unreachable (a frozen old primary)
 * @param statementTimeout patience for one administrative statement
 * @param applyTimeout   how long a candidate may take to apply what it received before the promotion gives up
 * @param drainTimeout   how long a switchover lets the old primary's open transactions finish before it fences
 * @param holdGrace      the least a switchover waits after FailoverStarted before it fences, so every gateway has
 *                       read it and holds new writes (Kafka delivers it in milliseconds; this covers a slow poll)
 */
public record RecoverySettings(Duration connectTimeout, Duration statementTimeout, Duration applyTimeout,
                               Duration drainTimeout, Duration holdGrace) {
}
