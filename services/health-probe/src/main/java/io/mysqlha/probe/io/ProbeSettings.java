package io.mysqlha.probe.io;

import io.mysqlha.domain.ProbePolicy;

/** How one cluster's nodes are probed: interval (and while a group elects), whole-cycle budget, heartbeat on or off. */
public record ProbeSettings(int intervalMs, int fastIntervalMs, int timeoutMs, boolean heartbeat) {
    public static ProbeSettings of(ProbePolicy policy) {
        return new ProbeSettings(policy.intervalMs(), policy.fastIntervalMs(), policy.timeoutMs(), policy.heartbeat());
    }
}
